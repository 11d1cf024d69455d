/**
 * The event contract between botwire over Socket.IO and a socket.io-client app, shared by
 * the server side and the client adapter (it imports nothing, so a browser bundle of the
 * adapter gets none of the server code).
 *
 * - Frames: one event (default `"botwire"`) with one string argument, both ways. A
 *   non-string argument is treated like a binary WebSocket frame (`bad_request`).
 * - Closing: the side that closes first emits `"<event>:close"` with `{ code, reason }`
 *   (WebSocket close codes), then disconnects the namespace socket. Without that event the
 *   code comes from Socket.IO's disconnect reason (see the tables below).
 * @module
 */

/**
 * A listener as Socket.IO (server and client) calls it, with the event's arguments; they
 * come from the other side, so the listener checks them.
 */
export type SocketIoListener = (...args: unknown[]) => void;

/** The default name of the frame event. */
export const DEFAULT_EVENT = "botwire";

/** The name of the close event that goes with a frame event. */
export function closeEventOf(event: string): string {
  return `${event}:close`;
}

/** What the close event carries: a WebSocket close code and a short reason. */
export interface CloseInfo {
  /** A WebSocket close code (1000–4999), e.g. 4401 or 1013. */
  code: number;
  /** A short human-readable reason (at most 123 bytes of UTF-8). */
  reason: string;
}

/** `value` as close info when it is one (it comes from the other side: checked). */
export function readCloseInfo(value: unknown): CloseInfo | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { code, reason } = value as { code?: unknown; reason?: unknown };
  if (typeof code !== "number" || !Number.isInteger(code) || code < 1000 || code > 4999) {
    return undefined;
  }
  return { code, reason: typeof reason === "string" ? reason.slice(0, 123) : "" };
}

/**
 * The close code the bot sees for a Socket.IO server-side disconnect reason when the client
 * sent no close event first (a client's close event wins).
 */
export const SERVER_REASON_CODES: Readonly<Record<string, number>> = {
  /** The client called `socket.disconnect()` without the adapter: a normal closure. */
  "client namespace disconnect": 1000,
  /** The server app called `socket.disconnect()` itself. */
  "server namespace disconnect": 1000,
  /** `io.close()`, or the underlying connection closed by the server app. */
  "server shutting down": 1001,
  "forced server close": 1001,
  "forced close": 1001,
  /** The connection dropped (tab closed, network gone) or failed below Socket.IO. */
  "transport close": 1006,
  "transport error": 1006,
  /** Engine.IO's heartbeat: the client stopped answering pings. */
  "ping timeout": 1006,
  /** The client sent a packet Socket.IO could not decode. */
  "parse error": 1002,
};

/**
 * The close code a socket.io-client app (and `BotClient` through the adapter) sees for a
 * client-side disconnect reason when no close event arrived first.
 */
export const CLIENT_REASON_CODES: Readonly<Record<string, number>> = {
  /** The server app disconnected the socket without botwire's close event. */
  "io server disconnect": 1000,
  /** The connection dropped, failed, or the server stopped answering pings. */
  "transport close": 1006,
  "transport error": 1006,
  "ping timeout": 1006,
  /** The server sent a packet the client could not decode. */
  "parse error": 1002,
};

/** The code for a disconnect reason, 1006 (abnormal closure) for an unknown one. */
export function codeOfReason(table: Readonly<Record<string, number>>, reason: unknown): number {
  return (typeof reason === "string" ? table[reason] : undefined) ?? 1006;
}
