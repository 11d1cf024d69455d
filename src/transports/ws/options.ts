/**
 * Options of `serve` and their defaults.
 * @module
 */
import type { Server as HttpServer, IncomingMessage } from "node:http";
import type { Server as HttpsServer } from "node:https";

/**
 * What an `upgrade` hook may answer: accept (`true`, `undefined`, or `{ user }` to accept
 * an already authenticated user, which becomes `ctx.user`), or refuse with an HTTP status.
 */
export type UpgradeDecision =
  | boolean
  | {
      /** The HTTP status to refuse with (400–599). */
      status: number;
      /** A short text for the response body. */
      message?: string;
    }
  | {
      /** The authenticated user; it becomes `ctx.user`. */
      user: unknown;
    }
  | undefined;

/** Options of {@link serve}. Give exactly one of `server`, `port` or `noServer`. */
export interface ServeOptions {
  /** Attach to this existing http/https server (other requests are left alone). */
  server?: HttpServer | HttpsServer;
  /** Listen on this port with a server of our own (`0` picks a free port). */
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
   * on the server is accepted. Several bots can share a server on different paths.
   */
  path?: string;
  /**
   * Origins allowed to connect (e.g. `["https://example.com"]`), or a function deciding.
   * A request with a disallowed `Origin` is refused at the upgrade with HTTP 403; a request
   * without `Origin` (not a browser) is allowed.
   * @default any origin
   */
  allowedOrigins?: readonly string[] | ((origin: string) => boolean);
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
   * Most open connections; further upgrades are refused with HTTP 503.
   * @default 10000
   */
  maxConnections?: number;
  /**
   * Most connections from one remote address, counting upgrades still in progress; further
   * upgrades from it are refused with HTTP 429. IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`)
   * count as their IPv4 address; a socket without an address (a Unix socket) is not counted.
   * Behind a reverse proxy every client has the proxy's address: raise this to
   * `maxConnections` there and limit per client in the proxy.
   * @default 100
   */
  maxConnectionsPerIp?: number;
  /**
   * Close a connection that sends neither `hello` nor a message within this time (4408).
   * @default the bot's `limits.helloTimeoutMs` (10000)
   */
  helloTimeoutMs?: number;
  /**
   * Enable permessage-deflate. Off by default: it costs CPU and memory per connection.
   * @default false
   */
  perMessageDeflate?: boolean;
  /**
   * Decide at the HTTP upgrade, from headers, cookies or address, whether to accept.
   * Return `false` for 401, `{ status }` to refuse with that status, `{ user }` to accept
   * a user you authenticated (e.g. from a session cookie; `auth()` then needs no token),
   * anything else accepts.
   */
  upgrade?: (request: IncomingMessage) => UpgradeDecision | Promise<UpgradeDecision>;
}

/** Options after defaults were applied and checked. */
export interface ResolvedServeOptions {
  mode: "server" | "port" | "noServer";
  server: HttpServer | HttpsServer | undefined;
  port: number | undefined;
  host: string | undefined;
  path: string | undefined;
  isOriginAllowed: (origin: string | undefined) => boolean;
  maxPayload: number;
  heartbeatMs: number;
  maxConnections: number;
  maxConnectionsPerIp: number;
  helloTimeoutMs: number | undefined;
  perMessageDeflate: boolean;
  upgrade: ServeOptions["upgrade"];
}

function positive(name: string, value: number | undefined, fallback: number, allowZero = false) {
  if (value === undefined) return fallback;
  if (
    typeof value !== "number" ||
    !Number.isFinite(value) ||
    value < 0 ||
    (!allowZero && value === 0)
  ) {
    throw new RangeError(
      `serve(): ${name} must be a ${allowZero ? "non-negative" : "positive"} number, got ${String(value)}`,
    );
  }
  return value;
}

function positiveInteger(name: string, value: number | undefined, fallback: number) {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`serve(): ${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
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
  const allowed = options.allowedOrigins;
  let isOriginAllowed: (origin: string | undefined) => boolean = () => true;
  if (typeof allowed === "function") {
    isOriginAllowed = (origin) => origin === undefined || allowed(origin);
  } else if (allowed !== undefined) {
    if (!Array.isArray(allowed))
      throw new TypeError("serve(): allowedOrigins must be an array or a function");
    const set = new Set(allowed.map((o) => o.toLowerCase()));
    isOriginAllowed = (origin) => origin === undefined || set.has(origin.toLowerCase());
  }
  if (options.upgrade !== undefined && typeof options.upgrade !== "function") {
    throw new TypeError("serve(): upgrade must be a function");
  }
  return {
    mode:
      options.server !== undefined ? "server" : options.port !== undefined ? "port" : "noServer",
    server: options.server,
    port: options.port,
    host: options.host,
    path: options.path,
    isOriginAllowed,
    maxPayload: positive("maxPayload", options.maxPayload, 64 * 1024),
    heartbeatMs: positive("heartbeatMs", options.heartbeatMs, 30_000, true),
    maxConnections: positive("maxConnections", options.maxConnections, 10_000),
    maxConnectionsPerIp: positiveInteger("maxConnectionsPerIp", options.maxConnectionsPerIp, 100),
    helloTimeoutMs:
      options.helloTimeoutMs === undefined
        ? undefined
        : positive("helloTimeoutMs", options.helloTimeoutMs, 0),
    perMessageDeflate: options.perMessageDeflate ?? false,
    upgrade: options.upgrade,
  };
}
