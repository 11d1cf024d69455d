/**
 * Adapts a `ws` WebSocket to the core's {@link Connection} and wires its events to the
 * bot's listener.
 * @module
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { RawData, WebSocket } from "ws";
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

/** What a link tells the transport that made it. */
export interface LinkOwner {
  /** The bot closed the connection from `address` with `code` (e.g. 4401: a failed login). */
  closedByBot(code: number, address: string | undefined): void;
  /** The socket closed: forget it and give its address's count back. */
  gone(link: WsLink): void;
}

/**
 * One `ws` socket: the core's {@link Connection}, the heartbeat's {@link Beating}, and what
 * its events reach. One object and no closure per connection — the socket's listeners are
 * module functions that find their link on the socket — where a connection object, a
 * heartbeat record and four closures with their scopes cost ~0.3 KiB per idle connection.
 * (A class, not an object literal: a literal with a getter is kept in dictionary mode.)
 */
export class WsLink implements Connection, Beating {
  readonly id = localId();
  /** Set on every pong or frame; cleared by each heartbeat sweep. */
  alive = true;
  /** The bot's listener, once `wire` attached it. */
  listener: ConnectionListener | undefined;

  constructor(
    readonly socket: WebSocket,
    readonly info: ConnectionInfo,
    private readonly owner: LinkOwner | undefined,
    /** The address its per-address limits count it under. */
    readonly address: string | undefined,
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
      this.owner?.closedByBot(code, this.address);
      socket.close(code, clampReason(reason));
      // ws waits 30 s for the peer's close frame; a peer that does not read (the usual reason
      // we close) would keep its send buffer in memory all that time.
      setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref();
    }
  }

  ping(): void {
    this.socket.ping();
  }

  terminate(): void {
    this.socket.terminate();
  }

  /** @internal The socket closed. */
  gone(code: number, reason: string): void {
    this.owner?.gone(this);
    this.listener?.close(code, reason);
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
 * @param owner - told when the bot closes it (failed logins count per address) and when it is gone
 * @param address - the address its per-address limits count it under
 */
export function toConnection(
  socket: WebSocket,
  request: IncomingMessage,
  peer: PeerInfo | undefined,
  owner?: LinkOwner,
  address?: string,
): WsLink {
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
  return new WsLink(socket, info, owner, address);
}

/** Where a socket keeps its link (a symbol: no clash with `ws`'s own fields). */
const LINK = Symbol("botwire.link");
type Linked = WebSocket & { [LINK]: WsLink };

function onPong(this: WebSocket): void {
  (this as Linked)[LINK].alive = true;
}

function onMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
  const link = (this as Linked)[LINK];
  link.alive = true;
  if (isBinary) link.listener?.binary();
  else link.listener?.message(data.toString());
}

function onClose(this: WebSocket, code: number, reason: Buffer): void {
  (this as Linked)[LINK].gone(code, reason.toString());
}

/** Feeds a socket's events to the bot's listener, through its link. */
export function wire(link: WsLink, listener: ConnectionListener): void {
  link.listener = listener;
  const socket = link.socket as Linked;
  socket[LINK] = link;
  socket.on("pong", onPong);
  socket.on("message", onMessage);
  socket.on("close", onClose);
}
