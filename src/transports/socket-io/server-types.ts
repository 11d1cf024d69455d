/**
 * The parts of a Socket.IO server (socket.io ≥ 4) this transport uses, typed by shape so that
 * `socket.io` stays an optional peer dependency: nothing of it is imported, not even types.
 * @module
 */
import type { SocketIoListener } from "./contract.js";

/**
 * The Engine.IO connection under a Socket.IO socket (`socket.conn`). Its buffers, which the
 * transport reads to estimate `bufferedAmount`, are private in Engine.IO's types, so they
 * are not declared here (see `engineBuffered`).
 */
export interface EngineConnectionLike {
  /** Closes the connection; `true` drops what is still buffered. */
  close(discard?: boolean): unknown;
}

/** The handshake data of a Socket.IO socket (`socket.handshake`). */
export interface HandshakeLike {
  /** The HTTP headers of the connection's first request (lower-cased names). */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The peer's address. */
  readonly address: string;
  /** What the client gave as `io(url, { auth })`. */
  readonly auth?: Readonly<Record<string, unknown>>;
}

/** One Socket.IO server socket: a client connected to one namespace. */
export interface SocketIoSocketLike {
  /** Socket.IO's id of the socket. */
  readonly id: string;
  /** The handshake data. */
  readonly handshake: HandshakeLike;
  /** Free data of the app's middleware; `data.user` becomes `ctx.user`. */
  readonly data?: unknown;
  /** Whether the socket is connected to its namespace. */
  readonly connected: boolean;
  /** The Engine.IO connection underneath (shared by the client's namespaces). */
  readonly conn: EngineConnectionLike;
  /** Emits an event to the client. */
  emit(event: string, ...args: unknown[]): unknown;
  /** Listens for an event from the client (or `disconnect`). */
  on(event: string, listener: SocketIoListener): unknown;
  /**
   * Listens for every event from the client, called with the event name first. Unlike
   * `on`, in the order the packets arrived: `on` listeners run a tick later and miss the
   * events that came with a disconnect.
   */
  onAny(listener: SocketIoListener): unknown;
  /** Disconnects the socket from its namespace; `true` closes the whole connection. */
  disconnect(close?: boolean): unknown;
}

/** A Socket.IO namespace (`io.of("/bot")`). */
export interface NamespaceLike {
  /** The namespace's name, e.g. `"/bot"`. */
  readonly name: string;
  /** Listens for new sockets (`"connection"`). */
  on(event: "connection", listener: (socket: SocketIoSocketLike) => void): unknown;
  /** Removes a listener. */
  off(event: "connection", listener: (socket: SocketIoSocketLike) => void): unknown;
}

/** A Socket.IO server (`new Server(httpServer)`): its main namespace `/` is used. */
export interface ServerLike {
  /** The namespace of that name. */
  of(name: string): NamespaceLike;
}
