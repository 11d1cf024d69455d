/**
 * The small contract between the core and a transport (WebSocket server, in-memory, …).
 *
 * A transport accepts connections and hands each one to the bot as a {@link Connection};
 * the bot answers with a {@link ConnectionListener} that the transport feeds.
 * @module
 */
import type { MaybePromise } from "../util/types.js";

/** What is known about the peer of a connection when it opened. */
export interface ConnectionInfo {
  /** The peer's address, when the transport knows it. */
  readonly remoteAddress: string | undefined;
  /** The `Origin` header of the upgrade request, if any. */
  readonly origin: string | undefined;
  /** The upgrade request's headers, lower-cased names. Empty for in-memory connections. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /**
   * A user the transport already authenticated when the connection opened (e.g. from a
   * cookie in `serve({ upgrade })`). It becomes `ctx.user`; `auth()` accepts it without a token.
   */
  readonly user?: unknown;
}

/** One open connection, as a transport presents it to the bot. */
export interface Connection {
  /** Unique id of this connection (not the protocol session id). */
  readonly id: string;
  /** Peer information captured when the connection opened. */
  readonly info: ConnectionInfo;
  /** Bytes queued for sending but not yet written; used for backpressure. */
  readonly bufferedAmount: number;
  /** Sends one text frame. Must not throw once the connection is closing. */
  send(frame: string): void;
  /** Closes the connection with a WebSocket close code and a short reason. */
  close(code: number, reason: string): void;
}

/** What the bot returns for a connection: the transport calls it for each event. */
export interface ConnectionListener {
  /** A text frame arrived. */
  message(frame: string): void;
  /** A binary frame arrived (the protocol is text-only; the bot answers `bad_request`). */
  binary(): void;
  /** The connection closed (for any reason). Called once. */
  close(code: number, reason: string): void;
}

/** Per-connection settings a transport may pass along with a connection. */
export interface ConnectionOptions {
  /** Close a connection that sends neither `hello` nor a message within this time. */
  helloTimeoutMs?: number;
}

/** The side of the bot a transport talks to. */
export interface TransportHost {
  /** Registers a new connection and returns the listener for its events. */
  open(connection: Connection, options?: ConnectionOptions): ConnectionListener;
}

/** A source of connections, started by `bot.start(transport)`. */
export interface Transport {
  /** Starts accepting connections and hands each one to `host`. */
  listen(host: TransportHost): MaybePromise<void>;
  /**
   * Stops accepting connections and closes the open ones with `code` (1001 on shutdown).
   * Must be idempotent.
   */
  close(code: number, reason: string): MaybePromise<void>;
  /**
   * Optional: stops accepting new connections but keeps the open ones (the bot is draining
   * before it stops, see `bot.stop({ drainMs })`); refuse them as a full server would (HTTP
   * 503 with `Retry-After`), so a load balancer sends them to another node. Without it, a
   * connection that opens during a drain is told to go (`goaway`) right after its welcome.
   */
  stopAccepting?(): void;
}

/** Whether `value` is a transport (has `listen`), not an options object. Internal. */
export function isTransport(value: object): value is Transport {
  return typeof (value as { listen?: unknown }).listen === "function";
}
