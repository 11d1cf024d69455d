/**
 * Checks made at the HTTP upgrade, before any WebSocket exists: path, origin, capacity (in
 * all and per address), and the user's `upgrade` hook. A refused request gets a plain HTTP
 * response.
 * @module
 */
import { type IncomingMessage, STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import type { ResolvedServeOptions } from "./options.js";

/** The path part of a request URL, without the query string. */
export function pathOf(request: IncomingMessage): string {
  const url = request.url ?? "/";
  const q = url.indexOf("?");
  return q === -1 ? url : url.slice(0, q);
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

/** Why an upgrade is refused, or (accepted) the user the `upgrade` hook authenticated. */
export type UpgradeCheck = { status: number; message?: string } | { user: unknown } | undefined;

/**
 * Returns an HTTP status to refuse the upgrade with, or `undefined`/`{ user }` to accept it.
 * `openConnections` and `fromAddress` count the other connections (open or upgrading) in
 * all and from this request's address.
 */
export async function checkUpgrade(
  request: IncomingMessage,
  options: ResolvedServeOptions,
  openConnections: number,
  fromAddress: number,
): Promise<UpgradeCheck> {
  const origin = request.headers.origin;
  if (!options.isOriginAllowed(origin)) return { status: 403, message: "origin not allowed" };
  if (openConnections >= options.maxConnections)
    return { status: 503, message: "too many connections" };
  if (fromAddress >= options.maxConnectionsPerIp)
    return { status: 429, message: "too many connections from this address" };
  if (options.upgrade === undefined) return undefined;
  const decision = await options.upgrade(request);
  if (decision === false) return { status: 401 };
  if (typeof decision === "object" && decision !== null) {
    if ("user" in decision)
      return decision.user === undefined ? undefined : { user: decision.user };
    const status = decision.status;
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      return { status: 500, message: "internal error" };
    }
    return decision.message === undefined ? { status } : { status, message: decision.message };
  }
  return undefined;
}
