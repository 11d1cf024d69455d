/**
 * The parts of Bun's server API this transport uses, typed structurally: botwire does not
 * depend on `@types/bun`, and Bun's own `Server`, `ServerWebSocket` and `WebSocketHandler`
 * fit these shapes.
 * @module
 */
import type { Connection } from "../../core/transport.js";

/** A WebSocket of `Bun.serve` (Bun's `ServerWebSocket`), as botwire uses it. */
export interface BunSocket<D = Connection> {
  /** What was passed as `data` to `server.upgrade()`: botwire's connection. */
  data: D;
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  /**
   * Sends a text frame: the bytes written, `-1` when queued behind backpressure, `0` when
   * dropped (the socket's buffer is over Bun's `backpressureLimit`, or it is closed).
   */
  send(data: string, compress?: boolean): number;
  /** Closes with a close frame; Bun calls the `close` handler at once. */
  close(code?: number, reason?: string): void;
  /** Drops the connection without a close frame. */
  terminate(): void;
  /** Bytes queued in Bun for this socket, not yet handed to the operating system. */
  getBufferedAmount(): number;
}

/** The server handed to `fetch(request, server)` (Bun's `Server`), as botwire uses it. */
export interface BunServer<D = Connection> {
  /** Upgrades `request` to a WebSocket whose `data` is `options.data`; `false` if it cannot. */
  upgrade(request: Request, options: { data: D }): boolean;
  /** The peer's address of `request` (absent or `null` on a Unix socket). */
  requestIP?(request: Request): {
    /** The peer's IP address. */
    readonly address: string;
  } | null;
}

/**
 * The `websocket` option of `Bun.serve` that botwire gives you (Bun's `WebSocketHandler`):
 * the event handlers of its sockets and their settings.
 */
export interface BunWebSocketHandler<D = Connection> {
  /** A socket was upgraded: botwire hands it to the bot. */
  open(ws: BunSocket<D>): void;
  /** A text (`string`) or binary frame arrived. */
  message(ws: BunSocket<D>, message: string | Uint8Array): void;
  /** The socket closed, for any reason (Bun calls it once). */
  close(ws: BunSocket<D>, code: number, reason: string): void;
  /** Largest frame in bytes (`maxPayload`); a bigger one closes the connection (1009). */
  readonly maxPayloadLength: number;
  /**
   * Seconds of silence after which Bun pings a connection; one silent for twice as long is
   * closed (the heartbeat, from `heartbeatMs`). `0`: never.
   */
  readonly idleTimeout: number;
  /** Whether Bun sends those pings (and answers the client's). */
  readonly sendPings: boolean;
  /** permessage-deflate for clients that offer it. */
  readonly perMessageDeflate: boolean;
}

/** What `Bun.serve()` returns, as `serve()` uses it. */
export interface BunServerInstance<D = Connection> extends BunServer<D> {
  /** The port it listens on (the one picked with `port: 0`). */
  readonly port: number | undefined;
  /** The host name it listens on. */
  readonly hostname: string | undefined;
  /** Stops listening; with `true` also drops open connections. */
  stop(closeActiveConnections?: boolean): Promise<void> | void;
}

/** What a `fetch` handler of `Bun.serve` may return. */
export type BunFetchResult = Response | undefined | Promise<Response | undefined>;

/** The `Bun` global, as `serve()` uses it. */
export interface BunRuntime {
  /** Starts an HTTP server (Bun's `Bun.serve`). */
  serve(options: {
    port: number;
    hostname?: string;
    fetch(request: Request, server: BunServer): BunFetchResult;
    websocket: BunWebSocketHandler;
  }): BunServerInstance;
}
