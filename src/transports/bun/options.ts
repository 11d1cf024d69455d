/**
 * Options of `bunTransport()` and `serve()` from `botwire/bun`, their defaults and checks.
 * @module
 */
import {
  type ResolvedPolicy,
  resolvePolicy,
  type TransportPolicyOptions,
} from "../policy/index.js";

/**
 * Options of `bunTransport()`. The policy options (origins, sizes, capacity, per-address
 * budgets, `trustProxy`, heartbeat, timeouts, the `upgrade` hook, which gets the `Request`)
 * are those of every server transport; see {@link TransportPolicyOptions}.
 */
export interface BunTransportOptions extends TransportPolicyOptions<Request> {
  /**
   * Take upgrade requests only on this path (e.g. `"/chat"`). Without it every WebSocket
   * upgrade request is the bot's. Requests that are not upgrades are never taken.
   */
  path?: string;
  /**
   * Compress frames with permessage-deflate for clients that offer it. Off by default: it
   * costs CPU and memory per connection.
   * @default false
   */
  perMessageDeflate?: boolean;
}

/** {@link BunTransportOptions} after defaults were applied and checked. */
export interface ResolvedBunOptions extends ResolvedPolicy<Request> {
  path: string | undefined;
  perMessageDeflate: boolean;
  /** Bun's `idleTimeout` in seconds (from `heartbeatMs`); `0`: no heartbeat. */
  idleTimeout: number;
}

/** Bun's largest `idleTimeout`, in seconds. */
const MAX_IDLE_TIMEOUT_S = 960;

/**
 * Applies defaults and rejects bad options with an error that names the option.
 * @param where - the call that received them, for error messages
 */
export function resolveBunOptions(options: BunTransportOptions, where: string): ResolvedBunOptions {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`${where}: options must be an object`);
  }
  const { path } = options;
  if (path !== undefined && (typeof path !== "string" || !path.startsWith("/"))) {
    throw new TypeError(`${where}: path must start with "/", got ${String(path)}`);
  }
  const policy = resolvePolicy(options, where);
  // Bun's heartbeat counts whole seconds: it pings after `idleTimeout` s of silence and
  // closes after twice that, which is what heartbeatMs means for every transport.
  const idleTimeout =
    policy.heartbeatMs === 0
      ? 0
      : Math.min(MAX_IDLE_TIMEOUT_S, Math.max(1, Math.ceil(policy.heartbeatMs / 1000)));
  return {
    ...policy,
    path,
    perMessageDeflate: options.perMessageDeflate ?? false,
    idleTimeout,
  };
}
