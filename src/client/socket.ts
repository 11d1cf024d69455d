/**
 * The WebSocket the client runs on, typed by shape so the browser's WebSocket, `ws` and
 * undici's WebSocket all fit without importing their types.
 * @module
 */
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
 * Node 20 has no global WebSocket: the Node build of the client (`./node.ts`, picked by the
 * `node` export condition) registers `ws` here. Every other build leaves it unset, so neither
 * a browser bundle nor Deno, Bun or workerd ever loads `ws`.
 */
let fallback: WebSocketConstructor | undefined;

/** Registers the constructor to use where the platform has no global WebSocket. */
export function useFallbackWebSocket(WebSocket: WebSocketConstructor): void {
  fallback = WebSocket;
}

/**
 * The constructor to use: the option, else the platform's global WebSocket (browsers, Deno,
 * Bun, workerd, Node ≥ 22), else the registered fallback (`ws` in Node 20–21).
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
  if (fallback !== undefined) return fallback;
  throw new TypeError(
    "BotClient: no WebSocket implementation found; pass options.WebSocket (e.g. from 'ws')",
  );
}
