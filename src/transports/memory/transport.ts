/**
 * An in-memory transport: connections are plain objects, frames are strings handed over
 * synchronously. For tests and for embedding a bot in the same process as its client.
 * @module
 */

import type {
  Connection,
  ConnectionInfo,
  ConnectionListener,
  Transport,
  TransportHost,
} from "../../core/transport.js";
import { localId } from "../../util/id.js";

/** The client side of an in-memory connection. */
export interface MemoryPeer {
  /** Called with each frame the server sends. */
  receive(frame: string): void;
  /** Called once when the server closes the connection. */
  closed(code: number, reason: string): void;
}

/** The client's handle on an in-memory connection. */
export interface MemoryConnection {
  /** Sends a text frame to the bot. */
  send(frame: string): void;
  /** Closes the connection from the client side (default 1000). */
  close(code?: number, reason?: string): void;
}

/** The in-memory transport. `connect()` opens a connection to the bot it is started on. */
export class MemoryTransport implements Transport {
  private host: TransportHost | undefined;
  private readonly open = new Map<string, { listener: ConnectionListener; peer: MemoryPeer }>();

  /** Whether a bot has started this transport. */
  get listening(): boolean {
    return this.host !== undefined;
  }

  /** Called by `bot.start(transport)`. */
  listen(host: TransportHost): void {
    this.host = host;
  }

  /**
   * Opens a connection. Returns functions to send a frame and to close from the client side.
   * @param peer - receives the server's frames and the close
   * @param info - what the server should see about this peer
   */
  connect(peer: MemoryPeer, info: Partial<ConnectionInfo> = {}): MemoryConnection {
    const host = this.host;
    if (host === undefined) throw new Error("MemoryTransport: start a bot on it first");
    const id = localId();
    let closed = false;
    const finish = (code: number, reason: string) => {
      if (closed) return;
      closed = true;
      this.open.delete(id);
      entry.listener.close(code, reason);
      peer.closed(code, reason);
    };
    const connection: Connection = {
      id,
      info: {
        remoteAddress: info.remoteAddress ?? "memory",
        origin: info.origin,
        headers: info.headers ?? {},
      },
      bufferedAmount: 0,
      send: (frame) => {
        if (!closed) peer.receive(frame);
      },
      close: (code, reason) => finish(code, reason),
    };
    const entry = { listener: host.open(connection), peer };
    this.open.set(id, entry);
    return {
      send: (frame) => {
        if (!closed) entry.listener.message(frame);
      },
      close: (code = 1000, reason = "client closed") => finish(code, reason),
    };
  }

  /** Closes every connection with `code`; the transport stops accepting new ones. */
  close(code: number, reason: string): void {
    this.host = undefined;
    for (const { listener, peer } of [...this.open.values()]) {
      listener.close(code, reason);
      peer.closed(code, reason);
    }
    this.open.clear();
  }
}
