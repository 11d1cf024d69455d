/**
 * The HTTP side of an upgrade request, before any WebSocket exists: its path, its peer's
 * address, and the plain HTTP response that refuses it.
 * @module
 */
import { type IncomingMessage, STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import { normalizeAddress } from "../policy/index.js";

/** The path part of a request URL, without the query string. */
export function pathOf(request: IncomingMessage): string {
  const url = request.url ?? "/";
  const q = url.indexOf("?");
  return q === -1 ? url : url.slice(0, q);
}

/** The address a request counts against (see `normalizeAddress`). */
export function addressOf(request: IncomingMessage): string | undefined {
  return normalizeAddress(request.socket.remoteAddress);
}

/** The `Origin` header, when there is exactly one. */
export function originOf(request: IncomingMessage): string | undefined {
  const origin = request.headers.origin;
  return typeof origin === "string" ? origin : undefined;
}

/** The `Host` header (for the default same-origin check). */
export function hostOf(request: IncomingMessage): string | undefined {
  return request.headers.host;
}

/**
 * Writes an HTTP error response on a raw upgrade socket and destroys it.
 * @param retryAfterMs - for 429/503: sent as `Retry-After`, in whole seconds
 */
export function refuse(
  socket: Duplex,
  status: number,
  message = STATUS_CODES[status] ?? "Error",
  retryAfterMs?: number,
) {
  if (socket.writable) {
    const body = `${message}\n`;
    const retry =
      retryAfterMs === undefined
        ? ""
        : `Retry-After: ${Math.max(1, Math.ceil(retryAfterMs / 1000))}\r\n`;
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Error"}\r\n` +
        `Connection: close\r\n${retry}Content-Type: text/plain; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
