/**
 * Link: one connection attempt of a `BotClient` — opens the WebSocket, sends the hello once
 * it is open, hands each server frame up, and gives up on a welcome that never comes. A
 * client makes a new link for every reconnect; a dropped link's late events are ignored.
 * @module
 */
import { decodeServerFrame, type IncomingFrame } from "./frames.js";
import { OPEN, type WebSocketConstructor, type WebSocketLike } from "./socket.js";

/** What a link reports to its client. */
export interface LinkHandlers {
  /** Builds the hello frame (it may need a fresh token: async). */
  hello(): Promise<string>;
  /** A server frame arrived (`undefined`: it was malformed). */
  frame(frame: IncomingFrame | undefined): void;
  /** The connection is gone (or never came up); called once. */
  lost(code: number, reason: string): void;
}

/** One WebSocket and its handshake. */
export class Link {
  private socket: WebSocketLike | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private gone = false;
  /** Resolves once a dropped socket has closed (every caller of `drop` gets the same). */
  private dropped: Promise<void> | undefined;

  /**
   * Opens the socket right away.
   * @param welcomeTimeoutMs - how long to wait for the welcome before giving up with 4000
   */
  constructor(
    WebSocket: WebSocketConstructor,
    url: string,
    welcomeTimeoutMs: number,
    private readonly handlers: LinkHandlers,
  ) {
    let socket: WebSocketLike;
    try {
      socket = new WebSocket(url);
    } catch (error) {
      this.gone = true;
      // Reported after the constructor returned, so the client holds this link by then.
      queueMicrotask(() =>
        handlers.lost(1006, error instanceof Error ? error.message : "cannot connect"),
      );
      return;
    }
    this.socket = socket;
    socket.onerror = () => {
      // A close event always follows; that is where reconnecting is decided.
    };
    socket.onopen = () => void this.hello();
    socket.onmessage = (event: { data: unknown }) => {
      if (!this.gone) handlers.frame(decodeServerFrame(event.data));
    };
    socket.onclose = (event: { code?: number; reason?: string }) => {
      this.end(event.code ?? 1006, event.reason ?? "");
    };
    this.timer = setTimeout(() => {
      this.drop();
      this.end(4000, "welcome timeout", true);
    }, welcomeTimeoutMs);
  }

  /** Whether the socket is open (frames can be written). */
  get open(): boolean {
    return !this.gone && this.socket?.readyState === OPEN;
  }

  /** The welcome arrived: no more waiting for it. */
  welcomed(): void {
    clearTimeout(this.timer);
  }

  /** Writes a frame; false when the socket cannot take it (the frame is re-sent later). */
  write(frame: string): boolean {
    const socket = this.socket;
    if (this.gone || socket === undefined || socket.readyState !== OPEN) return false;
    try {
      socket.send(frame);
      return true;
    } catch {
      // The socket is going away; the close event follows and the frame is re-sent.
      return false;
    }
  }

  /**
   * Closes the socket (if not closed yet) and ignores its late events. Resolves once it
   * has closed.
   */
  drop(): Promise<void> {
    this.dropped ??= this.close();
    return this.dropped;
  }

  private close(): Promise<void> {
    this.gone = true;
    clearTimeout(this.timer);
    const socket = this.socket;
    if (socket === undefined || socket.readyState === 3) return Promise.resolve();
    const closed = new Promise<void>((resolve) => {
      socket.onclose = () => resolve();
    });
    try {
      if (socket.readyState < 2) socket.close(1000);
    } catch {
      // Closing a socket that is still connecting may throw in some implementations.
    }
    return closed;
  }

  private async hello(): Promise<void> {
    const frame = await this.handlers.hello();
    this.write(frame);
  }

  private end(code: number, reason: string, force = false): void {
    if (this.gone && !force) return;
    this.gone = true;
    clearTimeout(this.timer);
    this.handlers.lost(code, reason);
  }
}
