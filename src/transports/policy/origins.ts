/**
 * The origin allowlist, checked before a WebSocket exists. Browsers always send `Origin` on a
 * WebSocket handshake and page scripts cannot forge it, so this is what stops another site's
 * page from opening a socket with the user's cookies (cross-site WebSocket hijacking). A
 * request without `Origin` is not from a browser page and is allowed: origin checks protect
 * browsers' users, not the server from arbitrary clients.
 * @module
 */

/** What `allowedOrigins` accepts: exact origins, or a function that decides. */
export type AllowedOrigins = readonly string[] | ((origin: string) => boolean);

/**
 * Builds the check for `allowedOrigins`; throws a `TypeError` naming the option when it is
 * neither an array nor a function. Origins compare case-insensitively (scheme and host are).
 * @param allowed - the option; `undefined` allows every origin
 * @param where - the call that received the option, for the error message (e.g. `"serve()"`)
 * @returns `(origin) => boolean`, where `origin` is the request's `Origin` header, if any
 */
export function originPolicy(
  allowed: AllowedOrigins | undefined,
  where: string,
): (origin: string | undefined) => boolean {
  if (allowed === undefined) return () => true;
  if (typeof allowed === "function") return (origin) => origin === undefined || allowed(origin);
  if (!Array.isArray(allowed) || !allowed.every((o) => typeof o === "string")) {
    throw new TypeError(`${where}: allowedOrigins must be an array of origins or a function`);
  }
  const set = new Set(allowed.map((o) => o.toLowerCase()));
  return (origin) => origin === undefined || set.has(origin.toLowerCase());
}
