/**
 * The HTTP side of an upgrade request before a WebSocket exists: is it one, on which path,
 * its headers, and the response that refuses it. WHATWG `Request`/`Response` only.
 * @module
 */
import { type RequestHeaders, refusalParts } from "../policy/index.js";

/** Whether `request` asks for a WebSocket (`Upgrade: websocket`). */
export function isWebSocketUpgrade(request: Request): boolean {
  return request.headers.get("upgrade")?.toLowerCase() === "websocket";
}

/** The path of an absolute request URL, without query or fragment (no `URL` object per request). */
export function pathOf(url: string): string {
  const scheme = url.indexOf("://");
  const start = url.indexOf("/", scheme === -1 ? 0 : scheme + 3);
  if (start === -1) return "/";
  let end = url.length;
  for (const stop of ["?", "#"]) {
    const at = url.indexOf(stop, start);
    if (at !== -1 && at < end) end = at;
  }
  return url.slice(start, end);
}

/** The request's headers as a record with lower-cased names (what `ConnectionInfo` holds). */
export function headerRecord(request: Request): RequestHeaders {
  const record: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    record[name] = value;
  });
  return record;
}

/**
 * The plain HTTP response that refuses an upgrade.
 * @param retryAfterMs - for 429: sent as `Retry-After`, in whole seconds
 */
export function refusal(status: number, message?: string, retryAfterMs?: number): Response {
  const { body, headers } = refusalParts(status, message, retryAfterMs);
  return new Response(body, { status, headers });
}
