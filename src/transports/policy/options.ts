/**
 * The options every server transport shares (origins, sizes, capacity, per-address budgets,
 * proxies, heartbeat, timeouts, the `upgrade` hook), their defaults and their checks — so
 * `serve()` from `botwire/ws` and any other transport accept and validate them the same way.
 * @module
 */

import type { Rate } from "../../util/budget.js";
import type { MaybePromise } from "../../util/types.js";
import type { AdmissionPolicy, UpgradeDecision } from "./admission.js";
import { type AllowedOrigins, originPolicy } from "./origins.js";
import { type ClientAddressFn, type ProxyHeader, proxyPolicy, type TrustProxy } from "./proxy.js";

/**
 * Options shared by server transports.
 * @typeParam R - the transport's request type, handed to `upgrade` (e.g. Node's `IncomingMessage`)
 */
export interface TransportPolicyOptions<R> {
  /**
   * Origins allowed to connect (e.g. `["https://example.com"]`), a function deciding, or
   * `"*"` for every origin. A request with a disallowed `Origin` is refused with HTTP 403
   * before a WebSocket exists; a request without `Origin` (not a browser) is allowed.
   * @default the same origin only: the `Origin`'s host and port must be the request's `Host`
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
   * (`::ffff:1.2.3.4`) count as their IPv4 address, IPv6 addresses by their /64; a
   * connection without an address (a Unix socket) is not counted. Behind a reverse proxy,
   * set `trustProxy` so that each client counts on its own.
   * @default 100
   */
  maxConnectionsPerIp?: number;
  /**
   * New connections one address (IPv6: one /64) may open: about `limit` per `windowMs`, in
   * bursts of up to `limit`; beyond it the upgrade is refused with HTTP 429 and a
   * `Retry-After`. Stops a client from resetting its per-connection limits by reconnecting.
   * `false` turns it off.
   * @default { limit: 60, windowMs: 60000 }
   */
  connectionRatePerIp?: Rate | false;
  /**
   * Failed authentications (a connection closed with 4401, a 401 from `upgrade`) one
   * address may have: about `limit` per `windowMs`; beyond it the address's upgrades are
   * refused with HTTP 429 until its budget refills. `false` turns it off.
   * @default { limit: 10, windowMs: 60000 }
   */
  authFailuresPerIp?: Rate | false;
  /**
   * Take the client's address from `proxyHeader` when connections come through reverse
   * proxies: the number of proxies in front of the server, or their addresses and CIDR
   * ranges (`["10.0.0.0/8"]`, `"loopback"`, `"uniquelocal"`), as Express's `trust proxy`.
   * The address found is used for every per-address limit and as
   * `ctx.connection.remoteAddress`. Prefer a list: with a count, a client that reaches the
   * server directly can claim any address.
   * @default false (the socket's address; forwarding headers are ignored)
   */
  trustProxy?: TrustProxy | false;
  /**
   * The header the trusted proxies write the client's address into (RFC 7239 `Forwarded`
   * or `X-Forwarded-For`). Only one is read: a proxy passes the other through untouched,
   * so a client could write it.
   * @default "x-forwarded-for"
   */
  proxyHeader?: ProxyHeader;
  /**
   * Longest time an upgrade request may wait for the `upgrade` hook (refused with HTTP 503
   * after it) and, on a shared server, for another `upgrade` listener to take a request on
   * a path that is not ours (answered 404 after it).
   * @default 10000
   */
  upgradeTimeoutMs?: number;
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
  /** Largest accepted frame in bytes. */
  maxPayload: number;
  /** Interval of WebSocket pings; `0`: no heartbeat. */
  heartbeatMs: number;
  /** The transport's hello timeout, if set (else the bot's `limits.helloTimeoutMs`). */
  helloTimeoutMs: number | undefined;
  /** Longest wait for the `upgrade` hook, or for another listener on a shared server. */
  upgradeTimeoutMs: number;
  /** The client's address from the socket's address and the headers (see `trustProxy`). */
  clientAddress: ClientAddressFn;
  /** Whether `trustProxy` is on (`clientAddress` may read headers). */
  proxied: boolean;
}

/** The default `connectionRatePerIp`. */
const CONNECTION_RATE: Rate = { limit: 60, windowMs: 60_000 };
/** The default `authFailuresPerIp`. */
const AUTH_FAILURES: Rate = { limit: 10, windowMs: 60_000 };

function rate(where: string, name: string, value: unknown, fallback: Rate): Rate | undefined {
  if (value === undefined) return fallback;
  if (value === false) return undefined;
  const { limit, windowMs } = (value ?? {}) as Partial<Rate>;
  if (
    typeof value !== "object" ||
    !Number.isSafeInteger(limit) ||
    (limit as number) < 1 ||
    typeof windowMs !== "number" ||
    !Number.isFinite(windowMs) ||
    windowMs <= 0
  ) {
    throw new RangeError(
      `${where}: ${name} must be false or { limit: a positive integer, windowMs: a positive number }`,
    );
  }
  return { limit: limit as number, windowMs };
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
    connectionRatePerIp: rate(
      where,
      "connectionRatePerIp",
      options.connectionRatePerIp,
      CONNECTION_RATE,
    ),
    authFailuresPerIp: rate(where, "authFailuresPerIp", options.authFailuresPerIp, AUTH_FAILURES),
    helloTimeoutMs:
      options.helloTimeoutMs === undefined
        ? undefined
        : positive(where, "helloTimeoutMs", options.helloTimeoutMs, 0),
    upgradeTimeoutMs: positive(where, "upgradeTimeoutMs", options.upgradeTimeoutMs, 10_000),
    clientAddress: proxyPolicy(options.trustProxy, options.proxyHeader, where),
    proxied: options.trustProxy !== undefined && options.trustProxy !== false,
    upgrade: options.upgrade,
  };
}
