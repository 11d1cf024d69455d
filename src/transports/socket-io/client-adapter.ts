/**
 * A WebSocket look-alike over a socket.io-client socket, so `BotClient` (which takes a
 * WebSocket constructor) talks to a bot mounted with `attachToSocketIO`. It imports nothing
 * at run time but the event contract: socket.io-client is the app's, typed by shape.
 * @module
 */
import {
  CLIENT_REASON_CODES,
  type CloseInfo,
  closeEventOf,
  codeOfReason,
  DEFAULT_EVENT,
  readCloseInfo,
  type SocketIoListener,
} from "./contract.js";

/** The parts of a socket.io-client `Socket` (v4) the adapter uses. */
export interface ClientSocketLike {
  /** Whether the socket is connected to its namespace. */
  readonly connected: boolean;
  /** Whether the socket is connected or trying to (it has its manager's listeners). */
  readonly active: boolean;
  /** Connects (or reconnects) the socket. */
  connect(): unknown;
  /** Disconnects the socket from its namespace; it does not reconnect by itself any more. */
  disconnect(): unknown;
  /** Emits an event to the server. */
  emit(event: string, ...args: unknown[]): unknown;
  /** Listens for an event. */
  on(event: string, listener: SocketIoListener): unknown;
  /** Removes a listener. */
  off(event: string, listener: SocketIoListener): unknown;
}

/** A socket.io-client `Manager`: one connection shared by the app's namespaces. */
export interface ClientManagerLike {
  /** The socket of namespace `nsp` (the same object each time for the same namespace). */
  socket(nsp: string): ClientSocketLike;
}

/** Makes a socket for the URL `BotClient` was given, e.g. `(url) => io(url, options)`. */
export type ClientSocketFactory = (url: string) => ClientSocketLike;

/** Options of {@link socketIoWebSocket}. */
export interface SocketIoWebSocketOptions {
  /**
   * The frame event; the same as the server's `event` option.
   * @default "botwire"
   */
  event?: string;
}

/** What the adapter hands `onclose`, like a WebSocket's close event. */
export interface AdapterCloseEvent {
  /** The WebSocket close code (see the close-code table of `botwire/socket.io`). */
  readonly code: number;
  /** The close reason. */
  readonly reason: string;
  /** Whether both sides closed the namespace on purpose. */
  readonly wasClean: boolean;
}

/** A WebSocket-shaped wrapper of one socket.io-client socket; one instance per connection. */
export interface SocketIoWebSocket {
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  /** Emits one frame. Throws while connecting, as a WebSocket does; ignored once closing. */
  send(data: string): void;
  /** Sends the close event with `code` and `reason`, then disconnects the namespace. */
  close(code?: number, reason?: string): void;
  /** Called once connected. */
  onopen: ((event: { type: "open" }) => void) | null;
  /** Called with `{ data }` for each frame of the bot. */
  onmessage: ((event: { data: unknown }) => void) | null;
  /** Called once when closed, with the code of the close event or the disconnect reason. */
  onclose: ((event: AdapterCloseEvent) => void) | null;
  /** Called before `onclose` when the connection failed or dropped. */
  onerror: ((event: { type: "error"; error?: unknown }) => void) | null;
}

/** A constructor of {@link SocketIoWebSocket}s, for `new BotClient(url, { WebSocket })`. */
export type SocketIoWebSocketConstructor = new (url: string) => SocketIoWebSocket;

/** The namespace a URL names: its path without a trailing slash (no `URL` global needed). */
function namespaceOf(url: string): string {
  const path = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^?#]*)/i.exec(url)?.[1] ?? "";
  return path.replace(/\/+$/, "") || "/";
}

/** The code for a refused connection: the server's `data.code`, else 4401 (a middleware said no). */
function refusedCode(error: unknown): number {
  const code = (error as { data?: { code?: unknown } } | undefined)?.data?.code;
  return readCloseInfo({ code })?.code ?? 4401;
}

/**
 * Returns a WebSocket constructor for `BotClient` that connects through socket.io-client.
 * Each instance takes a socket from `source` — a function `(url) => io(url, options)`, or a
 * `Manager` (the URL's path names the namespace, so the bot shares the app's connection) —
 * and maps it: `"<event>"` frames to `onmessage`, the server's close event to `onclose`.
 * Socket.IO's own reconnection is switched off for that socket (`BotClient` reconnects and
 * resumes the session itself). A refusal by a namespace middleware closes with 4401 (not
 * retried) unless its error's `data.code` says otherwise (e.g. 1013: retried).
 *
 * @param source - a socket factory or a socket.io-client `Manager`
 * @param options - see {@link SocketIoWebSocketOptions}
 * @example
 * ```ts
 * import { io } from "socket.io-client";
 * import { BotClient } from "botwire/client";
 * import { socketIoWebSocket } from "botwire/socket.io";
 *
 * const WebSocket = socketIoWebSocket((url) => io(url, { transports: ["websocket"] }));
 * const client = new BotClient("ws://localhost:3000/bot", { WebSocket, token });
 * ```
 */
export function socketIoWebSocket(
  source: ClientSocketFactory | ClientManagerLike,
  options: SocketIoWebSocketOptions = {},
): SocketIoWebSocketConstructor {
  const make: ClientSocketFactory =
    typeof source === "function" ? source : (url) => source.socket(namespaceOf(url));
  if (typeof source !== "function" && typeof source?.socket !== "function") {
    throw new TypeError("socketIoWebSocket(source): give (url) => io(url) or a Manager");
  }
  const event = options.event ?? DEFAULT_EVENT;
  const closeEvent = closeEventOf(event);

  return class Adapter implements SocketIoWebSocket {
    readyState = 0;
    onopen: SocketIoWebSocket["onopen"] = null;
    onmessage: SocketIoWebSocket["onmessage"] = null;
    onclose: SocketIoWebSocket["onclose"] = null;
    onerror: SocketIoWebSocket["onerror"] = null;
    private readonly socket: ClientSocketLike;
    /** The close event received (from the server) or sent (by `close()`). */
    private closing: CloseInfo | undefined;
    private readonly listeners: Array<[string, SocketIoListener]>;

    constructor(url: string) {
      const socket = make(url);
      this.socket = socket;
      this.listeners = [
        ["connect", () => this.opened()],
        [event, (data: unknown) => this.readyState === 1 && this.onmessage?.({ data })],
        [closeEvent, (info: unknown) => this.serverClosing(info)],
        ["disconnect", (reason: unknown) => this.disconnected(reason)],
        ["connect_error", (error: unknown) => this.refused(error)],
      ];
      for (const [name, listener] of this.listeners) socket.on(name, listener);
      if (socket.connected) queueMicrotask(() => this.opened());
      else if (!socket.active) socket.connect();
    }

    send(data: string): void {
      if (this.readyState === 0) throw new Error("socketIoWebSocket: still connecting");
      if (this.readyState === 1) this.socket.emit(event, data);
    }

    close(code?: number, reason = ""): void {
      if (this.readyState >= 2) return;
      if (this.readyState === 0) return this.finish(1006, "closed before open", false);
      this.readyState = 2;
      this.closing = { code: code ?? 1005, reason };
      if (code !== undefined) this.socket.emit(closeEvent, this.closing);
      // Reports "io client disconnect" at once: `disconnected` finishes with our code.
      this.socket.disconnect();
    }

    private opened(): void {
      if (this.readyState !== 0) return;
      this.readyState = 1;
      this.onopen?.({ type: "open" });
    }

    private serverClosing(info: unknown): void {
      if (this.readyState !== 1) return;
      this.readyState = 2;
      this.closing = readCloseInfo(info);
    }

    private disconnected(reason: unknown): void {
      const code = this.closing?.code ?? codeOfReason(CLIENT_REASON_CODES, reason);
      const text = this.closing?.reason ?? (typeof reason === "string" ? reason : "");
      this.finish(code, text, this.closing !== undefined);
    }

    private refused(error: unknown): void {
      // Still active: the connection failed and socket.io would retry; not: a middleware refused.
      if (this.socket.active) this.finish(1006, "cannot connect", false, error);
      else this.finish(refusedCode(error), (error as Error | undefined)?.message ?? "", false);
    }

    private finish(code: number, reason: string, clean: boolean, error?: unknown): void {
      if (this.readyState === 3) return;
      this.readyState = 3;
      for (const [name, listener] of this.listeners) this.socket.off(name, listener);
      // BotClient reconnects (and resumes) by itself; socket.io must not do it too.
      if (this.socket.active) this.socket.disconnect();
      if (!clean) this.onerror?.({ type: "error", error });
      this.onclose?.({ code, reason, wasClean: clean });
    }
  };
}
