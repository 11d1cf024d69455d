/**
 * An in-memory transport: connections are plain objects, frames are strings handed over
 * synchronously. For tests and for embedding a bot in the same process as its client.
 * @module
 */

import type {
  Connection,
  ConnectionInfo,
  ConnectionListener,
  ConnectionOptions,
  Transport,
  TransportHost,
} from "../../core/transport.js";
import { localId } from "../../util/id.js";

/** The client side of an in-memory connection. */
export interface MemoryPeer {
  /** Called with each frame the server sends. */
  receive(frame: string): void;
  /** Called once when the connection closes, by the server or by the client's handle. */
  closed(code: number, reason: string): void;
}

/** The client's handle on an in-memory connection. */
export interface MemoryConnection {
  /** Sends a text frame to the bot. */
  send(frame: string): void;
  /** Sends a binary frame to the bot (the protocol is text-only: it answers `bad_request`). */
  sendBinary(): void;
  /**
   * Stops delivering the server's frames to the peer: they queue, and the server sees them
   * as buffered bytes, as it would a client that stopped reading.
   */
  pause(): void;
  /** Delivers the queued frames and goes on delivering. */
  resume(): void;
  /** Closes the connection from the client side (default 1000). */
  close(code?: number, reason?: string): void;
}

/** Options of {@link MemoryTransport}. */
export interface MemoryTransportOptions {
  /**
   * Close a connection that sends neither `hello` nor a message within this time (4408).
   * @default the bot's `limits.helloTimeoutMs`
   */
  helloTimeoutMs?: number;
}

/** One in-memory connection: what the bot sees (`Connection`) and what the client holds. */
class MemoryLink implements Connection, MemoryConnection {
  readonly id = localId();
  listener: ConnectionListener | undefined;
  private ended = false;
  /** Frames held while paused, and their size in UTF-16 code units (a stand-in for bytes). */
  private held: string[] | undefined;
  private heldSize = 0;

  constructor(
    readonly info: ConnectionInfo,
    private readonly peer: MemoryPeer,
    private readonly gone: (link: MemoryLink) => void,
  ) {}

  get bufferedAmount(): number {
    return this.heldSize;
  }

  // ── Server side ──

  send(frame: string): void {
    if (this.ended) return;
    if (this.held === undefined) return this.peer.receive(frame);
    this.held.push(frame);
    this.heldSize += frame.length;
  }

  close(code: number, reason: string): void {
    this.finish(code, reason);
  }

  // ── Client side ──

  /** @inheritdoc */
  sendBinary(): void {
    if (!this.ended) this.listener?.binary();
  }

  pause(): void {
    this.held ??= [];
  }

  resume(): void {
    const held = this.held ?? [];
    this.held = undefined;
    this.heldSize = 0;
    for (const frame of held) if (!this.ended) this.peer.receive(frame);
  }

  /** Ends the connection for both sides, once. */
  finish(code: number, reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.gone(this);
    this.listener?.close(code, reason);
    this.peer.closed(code, reason);
  }
}

/** The in-memory transport. `connect()` opens a connection to the bot it is started on. */
export class MemoryTransport implements Transport {
  private host: TransportHost | undefined;
  private readonly open = new Set<MemoryLink>();
  private readonly connectionOptions: ConnectionOptions;

  /** @param options - see {@link MemoryTransportOptions} */
  constructor(options: MemoryTransportOptions = {}) {
    this.connectionOptions =
      options.helloTimeoutMs === undefined ? {} : { helloTimeoutMs: options.helloTimeoutMs };
  }

  /** Whether a bot has started this transport. */
  get listening(): boolean {
    return this.host !== undefined;
  }

  /** Called by `bot.start(transport)`. */
  listen(host: TransportHost): void {
    this.host = host;
  }

  /**
   * Opens a connection. Returns the client's handle: send frames, pause reading, close.
   * @param peer - receives the server's frames and the close
   * @param info - what the server should see about this peer
   */
  connect(peer: MemoryPeer, info: Partial<ConnectionInfo> = {}): MemoryConnection {
    const host = this.host;
    if (host === undefined) throw new Error("MemoryTransport: start a bot on it first");
    const link = new MemoryLink(
      {
        remoteAddress: info.remoteAddress ?? "memory",
        origin: info.origin,
        headers: info.headers ?? {},
        ...(info.user !== undefined && { user: info.user }),
      },
      peer,
      (gone) => this.open.delete(gone),
    );
    this.open.add(link);
    link.listener = host.open(link, this.connectionOptions);
    return {
      send: (frame) => {
        if (this.open.has(link)) link.listener?.message(frame);
      },
      sendBinary: () => link.sendBinary(),
      pause: () => link.pause(),
      resume: () => link.resume(),
      close: (code = 1000, reason = "client closed") => link.finish(code, reason),
    };
  }

  /** Closes every connection with `code`; the transport stops accepting new ones. */
  close(code: number, reason: string): void {
    this.host = undefined;
    for (const link of [...this.open]) link.finish(code, reason);
  }
}
