/**
 * The WebSocket the client runs on, typed by shape so the browser's WebSocket, `ws` and
 * undici's WebSocket all fit without importing their types.
 * @module
 */
import IsomorphicWebSocket from "isomorphic-ws";

/** The part of the standard WebSocket API the client uses. */
export interface WebSocketLike {
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  /** Sends a text frame. */
  send(data: string): void;
  /** Starts the closing handshake. */
  close(code?: number, reason?: string): void;
  /** Set by the client: called once the connection is open. */
  onopen: unknown;
  /** Set by the client: called with `{ data }` for each frame. */
  onmessage: unknown;
  /** Set by the client: called with `{ code, reason }` when the connection closed. */
  onclose: unknown;
  /** Set by the client: called on connection errors (a close always follows). */
  onerror: unknown;
}

/** A WebSocket constructor: `globalThis.WebSocket`, `ws`'s `WebSocket`, or a wrapper. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** The `readyState` of an open socket (the same in every implementation). */
export const OPEN = 1;

/**
 * The constructor to use: the option, else the platform's global WebSocket, else `ws`
 * through isomorphic-ws. Bundlers for the browser take isomorphic-ws's `browser` file,
 * which re-exports the global, so `ws` never reaches a browser bundle.
 */
export function resolveWebSocket(option: WebSocketConstructor | undefined): WebSocketConstructor {
  if (option !== undefined) {
    if (typeof option !== "function") {
      throw new TypeError("BotClient: options.WebSocket must be a WebSocket constructor");
    }
    return option;
  }
  const global = (globalThis as { WebSocket?: unknown }).WebSocket;
  if (typeof global === "function") return global as WebSocketConstructor;
  const fallback = IsomorphicWebSocket as unknown;
  if (typeof fallback === "function") return fallback as WebSocketConstructor;
  throw new TypeError(
    "BotClient: no WebSocket implementation found; pass options.WebSocket (e.g. from 'ws')",
  );
}
