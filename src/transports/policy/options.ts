/**
 * The options every server transport shares (origins, sizes, capacity, heartbeat, hello
 * timeout, the `upgrade` hook), their defaults and their checks — so `serve()` from
 * `botwire/ws` and any other transport accept and validate them the same way.
 * @module
 */
import type { MaybePromise } from "../../util/types.js";
import type { AdmissionPolicy, UpgradeDecision } from "./admission.js";
import { type AllowedOrigins, originPolicy } from "./origins.js";

/**
 * Options shared by server transports.
 * @typeParam R - the transport's request type, handed to `upgrade` (e.g. Node's `IncomingMessage`)
 */
export interface TransportPolicyOptions<R> {
  /**
   * Origins allowed to connect (e.g. `["https://example.com"]`), or a function deciding.
   * A request with a disallowed `Origin` is refused with HTTP 403 before a WebSocket exists;
   * a request without `Origin` (not a browser) is allowed.
   * @default any origin
   */
  allowedOrigins?: AllowedOrigins;
  /**
   * Largest accepted frame in bytes; a bigger one closes the connection with 1009.
   * @default 65536
   */
  maxPayload?: number;
  /**
   * Interval of WebSocket pings; a peer that has not answered the previous ping is closed.
   * `0` disables the heartbeat.
   * @default 30000
   */
  heartbeatMs?: number;
  /**
   * Most open connections; further requests are refused with HTTP 503.
   * @default 10000
   */
  maxConnections?: number;
  /**
   * Most connections from one remote address, counting requests still being admitted;
   * further requests from it are refused with HTTP 429. IPv4-mapped IPv6 addresses
   * (`::ffff:1.2.3.4`) count as their IPv4 address; a connection without an address (a Unix
   * socket) is not counted. Behind a reverse proxy every client has the proxy's address:
   * raise this to `maxConnections` there and limit per client in the proxy.
   * @default 100
   */
  maxConnectionsPerIp?: number;
  /**
   * Close a connection that sends neither `hello` nor a message within this time (4408).
   * @default the bot's `limits.helloTimeoutMs` (10000)
   */
  helloTimeoutMs?: number;
  /**
   * Decide before the WebSocket opens, from headers, cookies or address, whether to accept.
   * Return `false` for 401, `{ status }` to refuse with that status, `{ user }` to accept
   * a user you authenticated (e.g. from a session cookie; `auth()` then needs no token),
   * anything else accepts. A hook that throws refuses with 500.
   */
  upgrade?: (request: R) => MaybePromise<UpgradeDecision>;
}

/** {@link TransportPolicyOptions} with defaults applied and checked. */
export interface ResolvedPolicy<R> extends AdmissionPolicy<R> {
  maxPayload: number;
  heartbeatMs: number;
  helloTimeoutMs: number | undefined;
}

function positive(where: string, name: string, value: unknown, fallback: number, zero = false) {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || (!zero && value === 0)) {
    throw new RangeError(
      `${where}: ${name} must be a ${zero ? "non-negative" : "positive"} number, got ${String(value)}`,
    );
  }
  return value;
}

function positiveInteger(where: string, name: string, value: unknown, fallback: number) {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${where}: ${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

/**
 * Applies the defaults and checks each option, throwing a `RangeError`/`TypeError` that
 * names it.
 * @param options - the user's options
 * @param where - the call that received them, for error messages (e.g. `"serve()"`)
 */
export function resolvePolicy<R>(
  options: TransportPolicyOptions<R>,
  where: string,
): ResolvedPolicy<R> {
  if (options.upgrade !== undefined && typeof options.upgrade !== "function") {
    throw new TypeError(`${where}: upgrade must be a function`);
  }
  return {
    isOriginAllowed: originPolicy(options.allowedOrigins, where),
    maxPayload: positive(where, "maxPayload", options.maxPayload, 64 * 1024),
    heartbeatMs: positive(where, "heartbeatMs", options.heartbeatMs, 30_000, true),
    maxConnections: positive(where, "maxConnections", options.maxConnections, 10_000),
    maxConnectionsPerIp: positiveInteger(
      where,
      "maxConnectionsPerIp",
      options.maxConnectionsPerIp,
      100,
    ),
    helloTimeoutMs:
      options.helloTimeoutMs === undefined
        ? undefined
        : positive(where, "helloTimeoutMs", options.helloTimeoutMs, 0),
    upgrade: options.upgrade,
  };
}
