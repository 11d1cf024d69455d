/**
 * Options of `serve` and their defaults.
 * @module
 */
import type { Server as HttpServer, IncomingMessage } from "node:http";
import type { Server as HttpsServer } from "node:https";
import {
  type ResolvedPolicy,
  resolvePolicy,
  type TransportPolicyOptions,
} from "../policy/index.js";

/**
 * Options of {@link serve}. Give exactly one of `server`, `port` or `noServer`. The policy
 * options (origins, sizes, capacity, per-address budgets, `trustProxy`, heartbeat, timeouts,
 * `upgrade` hook) are shared by every server transport; see {@link TransportPolicyOptions}.
 */
export interface ServeOptions extends TransportPolicyOptions<IncomingMessage> {
  /** Attach to this existing http/https server (other requests are left alone). */
  server?: HttpServer | HttpsServer;
  /**
   * Listen on this port with a server of our own (`0` picks a free port). Its
   * `headersTimeout` and `requestTimeout` are 10 s (Node's defaults: 60 s and 300 s).
   */
  port?: number;
  /**
   * Host to listen on with `port`.
   * @default all interfaces (Node's default)
   */
  host?: string;
  /** Accept upgrades only through `handle.handleUpgrade(req, socket, head)`. */
  noServer?: boolean;
  /**
   * Accept upgrades only on this path (e.g. `"/chat"`). Without it every upgrade request
   * on the server is accepted. Several bots can share a server on different paths. An
   * upgrade on a path no bot serves is answered 404 — at once when botwire's are the only
   * `upgrade` listeners, else after `upgradeTimeoutMs` unless another listener took it.
   */
  path?: string;
  /**
   * Enable permessage-deflate. Off by default: it costs CPU and memory per connection.
   * @default false
   */
  perMessageDeflate?: boolean;
}

/** Options after defaults were applied and checked. */
export interface ResolvedServeOptions extends ResolvedPolicy<IncomingMessage> {
  mode: "server" | "port" | "noServer";
  server: HttpServer | HttpsServer | undefined;
  port: number | undefined;
  host: string | undefined;
  path: string | undefined;
  perMessageDeflate: boolean;
}

/** Applies defaults and rejects bad combinations with an error that names the option. */
export function resolveServeOptions(options: ServeOptions): ResolvedServeOptions {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("serve(bot, options): options must be an object");
  }
  const modes = [
    options.server !== undefined,
    options.port !== undefined,
    options.noServer === true,
  ];
  if (modes.filter(Boolean).length !== 1) {
    throw new TypeError("serve(): give exactly one of `server`, `port` or `noServer: true`");
  }
  if (options.host !== undefined && options.port === undefined) {
    throw new TypeError("serve(): `host` needs `port`");
  }
  if (
    options.path !== undefined &&
    (typeof options.path !== "string" || !options.path.startsWith("/"))
  ) {
    throw new TypeError(`serve(): path must start with "/", got ${String(options.path)}`);
  }
  if (options.port !== undefined) {
    const port = options.port;
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new RangeError(`serve(): port must be an integer from 0 to 65535, got ${String(port)}`);
    }
  }
  return {
    ...resolvePolicy(options, "serve()"),
    mode:
      options.server !== undefined ? "server" : options.port !== undefined ? "port" : "noServer",
    server: options.server,
    port: options.port,
    host: options.host,
    path: options.path,
    perMessageDeflate: options.perMessageDeflate ?? false,
  };
}
