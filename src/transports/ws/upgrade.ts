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

/** Writes an HTTP error response on a raw upgrade socket and destroys it. */
export function refuse(socket: Duplex, status: number, message = STATUS_CODES[status] ?? "Error") {
  if (socket.writable) {
    const body = `${message}\n`;
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Error"}\r\n` +
        "Connection: close\r\nContent-Type: text/plain; charset=utf-8\r\n" +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
