/**
 * The origin check, made before a WebSocket exists. Browsers always send `Origin` on a
 * WebSocket handshake and page scripts cannot forge it, so this is what stops another site's
 * page from opening a socket with the user's cookies (cross-site WebSocket hijacking). A
 * request without `Origin` is not from a browser page and is allowed: origin checks protect
 * browsers' users, not the server from arbitrary clients.
 * @module
 */

/**
 * What `allowedOrigins` accepts: exact origins, a function that decides, or `"*"` for
 * every origin. Left out, only pages of the server's own origin may connect.
 */
export type AllowedOrigins = "*" | readonly string[] | ((origin: string) => boolean);

/** The default port of each scheme a browser may send in `Origin`. */
const DEFAULT_PORTS: Readonly<Record<string, string>> = {
  http: "80",
  ws: "80",
  https: "443",
  wss: "443",
};

/** `host[:port]` lower-cased, without the scheme's default port. */
function authority(hostPort: string, scheme: string): string {
  const lower = hostPort.toLowerCase();
  const port = DEFAULT_PORTS[scheme];
  return port !== undefined && lower.endsWith(`:${port}`)
    ? lower.slice(0, -port.length - 1)
    : lower;
}

/**
 * Whether `origin` names the host the request was sent to (its `Host` header): the same
 * host and port, whatever the scheme (TLS may end at a proxy). `null` origins (sandboxed
 * frames, `file:` pages) are never the same origin.
 */
export function isSameOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  const sep = origin.indexOf("://");
  if (sep <= 0) return false;
  const scheme = origin.slice(0, sep).toLowerCase();
  const rest = origin.slice(sep + 3);
  if (rest === "" || /[/?#@\s]/.test(rest)) return false;
  return authority(rest, scheme) === authority(host, scheme);
}

/**
 * Builds the check for `allowedOrigins`; throws a `TypeError` naming the option when it is
 * none of the accepted forms. Listed origins compare case-insensitively (scheme and host are).
 * @param allowed - the option; `undefined` allows only the server's own origin (see
 *   `isSameOrigin`), `"*"` every origin
 * @param where - the call that received the option, for the error message (e.g. `"serve()"`)
 * @returns `(origin, host) => boolean`: the request's `Origin` and `Host` headers, if any
 */
export function originPolicy(
  allowed: AllowedOrigins | undefined,
  where: string,
): (origin: string | undefined, host?: string) => boolean {
  if (allowed === undefined)
    return (origin, host) => origin === undefined || isSameOrigin(origin, host);
  if (allowed === "*") return () => true;
  if (typeof allowed === "function") return (origin) => origin === undefined || allowed(origin);
  if (!Array.isArray(allowed) || !allowed.every((o) => typeof o === "string")) {
    throw new TypeError(
      `${where}: allowedOrigins must be an array of origins, a function or "*" (every origin)`,
    );
  }
  const set = new Set(allowed.map((o) => o.toLowerCase()));
  return (origin) => origin === undefined || set.has(origin.toLowerCase());
}
