/**
 * Adapts a `ws` WebSocket to the core's {@link Connection} and wires its events to the
 * bot's listener.
 * @module
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { WebSocket } from "ws";
import type { Connection, ConnectionInfo, ConnectionListener } from "../../core/transport.js";
import { localId } from "../../util/id.js";
import { type Beating, clampReason } from "../policy/index.js";

/** TCP sockets corked in this tick; all are uncorked together once it ends. */
let corked: Duplex[] = [];

function uncorkAll(): void {
  // Swapped out first: one failing socket must not leave the list (and every later socket) stuck.
  const sockets = corked;
  corked = [];
  for (const socket of sockets) {
    try {
      socket.uncork();
    } catch {
      // A socket that cannot flush is closing; its own error and close events follow.
    }
  }
}

/**
 * Most bytes held back on one socket: corked bytes count in `bufferedAmount`, so a burst held
 * any longer would look like a slow reader — and a loop of awaited sends can keep a tick
 * going for a long time (each `await` of an already-fulfilled reply is a microtask).
 */
const MAX_BATCH_BYTES = 64 * 1024;

/** The TCP socket under a `ws` socket (`ws` keeps it in `_socket`). */
function tcpOf(socket: WebSocket): Duplex | undefined {
  const tcp = (socket as unknown as { _socket?: Duplex })._socket;
  return tcp !== undefined && typeof tcp.cork === "function" ? tcp : undefined;
}

/**
 * Holds a socket's writes until the end of the current tick, so that everything sent to it
 * meanwhile — the replies to several frames that arrived in one read, a reply and a push —
 * leaves in one `writev` system call instead of one each (up to `MAX_BATCH_BYTES`). On a
 * busy server the system calls of sending are the largest single cost per message. If a
 * `ws` version ever hides its TCP socket, writes simply go out one by one.
 */
function sendBatched(socket: WebSocket, frame: string): void {
  const tcp = tcpOf(socket);
  if (tcp !== undefined && tcp.writableCorked === 0) {
    tcp.cork();
    if (corked.push(tcp) === 1) process.nextTick(uncorkAll);
  }
  socket.send(frame);
  // Our cork is the only one left after ws's own balanced cork/uncork around the frame.
  if (tcp !== undefined && tcp.writableCorked > 0 && tcp.writableLength >= MAX_BATCH_BYTES) {
    tcp.uncork(); // uncorkAll's later uncork of it is a no-op
  }
}

/** How long a closing socket may take to answer our close frame before it is destroyed. */
const CLOSE_GRACE_MS = 2000;

/** A `ws` socket as the heartbeat sees it. Prototype methods: no closures per connection. */
export class TrackedSocket implements Beating {
  alive = true;

  constructor(readonly socket: WebSocket) {}

  ping(): void {
    this.socket.ping();
  }

  terminate(): void {
    this.socket.terminate();
  }
}

/** Told when the bot closes a connection, so per-address policy can count failed logins. */
export interface ClosedByBot {
  /** The bot closed the connection from `address` with `code` (e.g. 4401). */
  closedByBot(code: number, address: string | undefined): void;
}

/**
 * The core's view of one `ws` socket. A class, not an object literal: a literal with a getter
 * is kept in dictionary mode with three closures, ~0.7 KiB per idle connection.
 */
class WsConnection implements Connection {
  readonly id = localId();

  constructor(
    private readonly socket: WebSocket,
    readonly info: ConnectionInfo,
    private readonly watch: ClosedByBot | undefined,
    private readonly address: string | undefined,
  ) {}

  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  send(frame: string): void {
    const socket = this.socket;
    if (socket.readyState === socket.OPEN) sendBatched(socket, frame);
  }

  close(code: number, reason: string): void {
    const socket = this.socket;
    if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) {
      this.watch?.closedByBot(code, this.address);
      socket.close(code, clampReason(reason));
      // ws waits 30 s for the peer's close frame; a peer that does not read (the usual reason
      // we close) would keep its send buffer in memory all that time.
      setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref();
    }
  }
}

/** What is known about the peer of a freshly upgraded socket, besides its headers. */
export interface PeerInfo {
  /** The client's address (see `trustProxy`). */
  remoteAddress: string | undefined;
  /** The `Origin` header. */
  origin: string | undefined;
  /** A user the `upgrade` hook authenticated. */
  user: unknown;
}

/**
 * Builds the core connection for a freshly upgraded socket.
 * @param peer - its address, origin and user (default: the socket's address, nothing else)
 * @param watch - told when the bot closes it (failed logins count per address)
 * @param address - the address its per-address limits count it under
 */
export function toConnection(
  socket: WebSocket,
  request: IncomingMessage,
  peer: PeerInfo | undefined,
  watch?: ClosedByBot,
  address?: string,
): Connection {
  const { remoteAddress, origin, user } = peer ?? {
    remoteAddress: request.socket.remoteAddress,
    origin: undefined,
    user: undefined,
  };
  const info: ConnectionInfo = {
    remoteAddress,
    origin,
    headers: request.headers,
    ...(user !== undefined && { user }),
  };
  return new WsConnection(socket, info, watch, address);
}

/** Feeds a socket's events to a listener. Returns the tracking record for the heartbeat. */
export function wire(
  socket: WebSocket,
  listener: ConnectionListener,
  onGone: () => void,
): TrackedSocket {
  const tracked = new TrackedSocket(socket);
  socket.on("pong", () => {
    tracked.alive = true;
  });
  socket.on("message", (data, isBinary) => {
    tracked.alive = true;
    if (isBinary) listener.binary();
    else listener.message(data.toString());
  });
  socket.on("close", (code, reason) => {
    onGone();
    listener.close(code, reason.toString());
  });
  return tracked;
}
