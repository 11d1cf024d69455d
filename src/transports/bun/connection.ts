/**
 * One Bun WebSocket as the core sees it ({@link Connection}). The same object is the
 * socket's `ws.data`, so Bun's event handlers reach it without a lookup.
 * @module
 */
import type { Connection, ConnectionInfo, ConnectionListener } from "../../core/transport.js";
import { CloseCode } from "../../protocol/codes.js";
import { localId } from "../../util/id.js";
import { clampReason } from "../policy/index.js";
import type { BunSocket } from "./types.js";

/** What a connection needs from its transport. */
export interface ConnectionOwner {
  /** Whether frames are sent compressed (permessage-deflate, where the client offered it). */
  readonly compress: boolean;
  /** Whether Bun's idle timeout runs (it also drops a closing socket that never drains). */
  readonly idleTimeout: boolean;
  /** The bot closes a connection with `code` (4401 counts as a failed login of `address`). */
  closedByBot(code: number, address: string | undefined): void;
  /** Bun opened the socket of one of its connections. */
  opened(ws: BunSocket): void;
  /** Bun closed the socket of one of its connections. */
  closed(ws: BunSocket, code: number, reason: string): void;
}

const OPEN = 1;

/** The core's view of one Bun socket, made when the upgrade is admitted. */
export class BunConnection implements Connection {
  readonly id = localId();
  /** Set by Bun's `open` handler (within `server.upgrade()`). */
  socket: BunSocket | undefined;
  /** The bot's listener, once the connection was handed to it. */
  listener: ConnectionListener | undefined;
  /** Whether its admission count was given back. */
  left = false;
  /** Whether Bun dropped a frame: the connection is being closed as a slow reader. */
  private dropped = false;
  private reported = false;

  /**
   * @param info - what the bot sees of the peer
   * @param address - the address its per-address limits count it under
   * @param owner - its transport
   */
  constructor(
    readonly info: ConnectionInfo,
    readonly address: string | undefined,
    readonly owner: ConnectionOwner,
  ) {}

  get bufferedAmount(): number {
    // Over any limit once a frame was dropped: the bot's next write closes it as a slow reader.
    if (this.dropped) return Number.MAX_SAFE_INTEGER;
    return this.socket?.getBufferedAmount() ?? 0;
  }

  send(frame: string): void {
    const socket = this.socket;
    if (socket === undefined || this.dropped || socket.readyState !== OPEN) return;
    // -1: queued behind backpressure (counted in bufferedAmount); 0: Bun dropped it because
    // the socket's buffer is over Bun's backpressureLimit. A frame must never be lost
    // silently: close as a slow reader, the client resumes and gets it from the outbox.
    if (socket.send(frame, this.owner.compress) === 0) {
      this.dropped = true;
      // Not from inside the bot's write: it is reported and closed once the write returned.
      queueMicrotask(() => {
        this.report(CloseCode.TryAgainLater, "slow reader");
        this.close(CloseCode.TryAgainLater, "slow reader");
      });
    }
  }

  close(code: number, reason: string): void {
    const socket = this.socket;
    if (socket === undefined || socket.readyState !== OPEN) return;
    this.owner.closedByBot(code, this.address);
    // A close frame waits behind the bytes the peer has not read. Bun's idle timeout drops
    // such a socket in time; without it (heartbeatMs: 0) nothing would, so it is dropped now.
    if (!this.owner.idleTimeout && socket.getBufferedAmount() > 0) socket.terminate();
    else socket.close(code, clampReason(reason));
  }

  /** Tells the bot the connection closed, once. */
  report(code: number, reason: string): void {
    if (this.reported) return;
    this.reported = true;
    this.listener?.close(code, reason);
  }
}
