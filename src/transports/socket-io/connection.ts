/**
 * One Socket.IO socket as the core's {@link Connection}: frames are emitted as one event,
 * a close is a close event followed by a namespace disconnect.
 * @module
 */
import type { Connection, ConnectionInfo } from "../../core/transport.js";
import { CloseCode } from "../../protocol/codes.js";
import { localId } from "../../util/id.js";
import { clampReason } from "../policy/index.js";
import type { CloseInfo } from "./contract.js";
import type { EngineConnectionLike, SocketIoSocketLike } from "./server-types.js";

/** What Engine.IO (6.x) keeps inside a connection: private in its types, stable in practice. */
interface EngineInternals {
  /** Packets waiting for the transport to be writable again. */
  readonly writeBuffer?: ReadonlyArray<{ readonly data?: unknown }>;
  /** The current transport; with `websocket`, `socket` is its `ws` WebSocket. */
  readonly transport?: {
    readonly socket?: { readonly bufferedAmount?: number; terminate?(): void };
  };
}

/** How long a dropped connection's WebSocket may take to close before it is terminated. */
const CLOSE_GRACE_MS = 2000;

/**
 * Bytes not yet written to the client: what the WebSocket holds plus the Engine.IO packets
 * queued behind it (a WebSocket transport takes the next batch only once the previous one
 * reached the kernel, so a client that stops reading leaves them there; over HTTP
 * long-polling the queue is all there is). The queue also holds what was sent since the last
 * write's callback (the next tick), so a burst queued within one tick counts in full: it is
 * held in memory all the same. Packet sizes are counted in UTF-16 code units.
 */
export function engineBuffered(engine: EngineConnectionLike): number {
  const conn = engine as EngineInternals;
  let bytes = conn.transport?.socket?.bufferedAmount ?? 0;
  for (const packet of conn.writeBuffer ?? []) {
    const data = packet.data;
    if (typeof data === "string") bytes += data.length;
    else if (typeof (data as { byteLength?: unknown })?.byteLength === "number") {
      bytes += (data as { byteLength: number }).byteLength;
    }
  }
  return bytes;
}

/**
 * Closes the whole Engine.IO connection at once, dropping its buffers (all namespaces of
 * that client share them, so they are stuck anyway), and terminates its WebSocket if it
 * does not close in time: a client that does not read would not answer the close frame.
 */
function dropEngine(conn: EngineConnectionLike): void {
  const ws = (conn as EngineInternals).transport?.socket;
  conn.close(true);
  if (typeof ws?.terminate === "function") {
    const timer = setTimeout(() => ws.terminate?.(), CLOSE_GRACE_MS);
    (timer as { unref?: () => void }).unref?.();
  }
}

/** Told when the bot closes a connection (failed logins count against the address). */
export type ClosedByBot = (code: number, connection: SocketIoConnection) => void;

/** The core's view of one Socket.IO socket. */
export class SocketIoConnection implements Connection {
  readonly id = localId();
  /** How it was closed: by the bot (`close`) or the client's close event; first one wins. */
  closeInfo: CloseInfo | undefined;

  /**
   * @param socket - the Socket.IO socket
   * @param info - what the bot sees of the peer
   * @param event - the frame event; the close event is `closeEvent`
   * @param address - the client's address as admission counted it
   */
  constructor(
    private readonly socket: SocketIoSocketLike,
    readonly info: ConnectionInfo,
    private readonly event: string,
    private readonly closeEvent: string,
    readonly address: string | undefined,
    private readonly closedByBot: ClosedByBot,
  ) {}

  get bufferedAmount(): number {
    return engineBuffered(this.socket.conn);
  }

  send(frame: string): void {
    if (this.closeInfo === undefined && this.socket.connected) this.socket.emit(this.event, frame);
  }

  close(code: number, reason: string): void {
    if (this.closeInfo !== undefined || !this.socket.connected) return;
    this.closeInfo = { code, reason: clampReason(reason) };
    this.closedByBot(code, this);
    const socket = this.socket;
    if (code === CloseCode.TryAgainLater) {
      // A client that does not read gets no close event (it would queue behind the rest);
      // its whole connection goes, so the server stops holding what it cannot deliver.
      socket.disconnect();
      dropEngine(socket.conn);
      return;
    }
    socket.emit(this.closeEvent, this.closeInfo);
    // The namespace only: the app's other namespaces on this connection stay.
    socket.disconnect();
  }
}
