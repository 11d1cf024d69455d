/**
 * One admitted WebSocket, from the request that asked for it until it is gone: the core's
 * {@link Connection} over the runtime's socket, fed with the socket's events.
 * @module
 */
import type {
  Connection,
  ConnectionInfo,
  ConnectionListener,
  ConnectionOptions,
  TransportHost,
} from "../../core/transport.js";
import { CloseCode } from "../../protocol/codes.js";
import { localId } from "../../util/id.js";
import { type Beating, clampReason, isValidCloseCode } from "../policy/index.js";
import { exceeds } from "./size.js";

/** `readyState` of an open WebSocket. */
const OPEN = 1;
/** `readyState` of a closed WebSocket. */
const CLOSED = 3;

/**
 * How long a socket we closed may take to report its close. WHATWG server sockets cannot be
 * terminated: a peer that stopped reading may never answer the close frame queued behind its
 * unread data, so after this the connection is given up (its counts released) regardless.
 */
export const CLOSE_GRACE_MS = 2000;

/** What a connection writes to: a WHATWG socket fits; Hono's `WSContext` is adapted. */
export interface Endpoint {
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  /** Bytes not yet written, where the runtime reports them (else `undefined`). */
  readonly bufferedAmount?: number | undefined;
  /** Sends a text frame. */
  send(frame: string): void;
  /** Starts the closing handshake. */
  close(code: number, reason: string): void;
}

/** A socket that can ping and be dropped (`ws` under Hono's Node helper). */
export interface Pinger {
  /** Sends a ping frame. */
  ping(): void;
  /** Drops the connection without a closing handshake. */
  terminate(): void;
}

/** The transport, as one of its links sees it. */
export interface LinkOwner {
  /** Largest accepted frame in bytes (a larger one closes with 1009). */
  readonly maxPayload: number;
  /** The link ended: forget it and release its admission. Called once. */
  gone(link: Link): void;
  /** The bot closed the link with `code` (4401 counts as a failed login). */
  closedByBot(code: number, address: string | undefined): void;
}

function unref(timer: unknown): void {
  (timer as { unref?: () => void }).unref?.();
}

/** One admitted connection. A class: prototype methods, no closures per connection. */
export class Link implements Connection, Beating {
  readonly id = localId();
  /** For the heartbeat: set on every frame and pong. */
  alive = true;
  private endpoint: Endpoint | undefined;
  private listener: ConnectionListener | undefined;
  private pinger: Pinger | undefined;
  private done = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private waiters: Array<() => void> = [];

  /**
   * @param info - what the bot sees of the peer
   * @param owner - the transport
   * @param address - the address the admission counted this link under
   */
  constructor(
    readonly info: ConnectionInfo,
    private readonly owner: LinkOwner,
    readonly address: string | undefined,
  ) {}

  get bufferedAmount(): number {
    return this.endpoint?.bufferedAmount ?? 0;
  }

  /** Whether the socket opened and the bot has it. */
  get opened(): boolean {
    return this.listener !== undefined;
  }

  /** Whether the link has ended. */
  get ended(): boolean {
    return this.done;
  }

  /** Whether the heartbeat can ping this link. */
  get pingable(): boolean {
    return this.pinger !== undefined;
  }

  send(frame: string): void {
    const endpoint = this.endpoint;
    if (this.done || endpoint === undefined || endpoint.readyState !== OPEN) return;
    try {
      endpoint.send(frame);
    } catch {
      // A socket failing under us is closing; its close event follows.
    }
  }

  /** The bot closes the connection. */
  close(code: number, reason: string): void {
    if (this.done) return;
    this.owner.closedByBot(code, this.address);
    this.shut(code, reason);
  }

  /**
   * Gives up on a socket that never opened (e.g. the Hono helper's handshake failed) after
   * `ms`, so its admission is released.
   */
  expireUnlessOpened(ms: number): void {
    this.timer = setTimeout(() => {
      if (!this.opened) this.finish(1006, "never opened");
    }, ms);
    unref(this.timer);
  }

  /** The socket is open: the bot gets the connection. A second call does nothing. */
  open(
    endpoint: Endpoint,
    host: TransportHost | undefined,
    options: ConnectionOptions,
    pinger?: Pinger,
  ): void {
    if (this.listener !== undefined) return;
    if (this.done) {
      // Given up on (shutdown, or opened too late): the socket must not stay open unowned.
      endpoint.close(CloseCode.GoingAway, "server shutting down");
      return;
    }
    clearTimeout(this.timer);
    this.endpoint = endpoint;
    if (pinger !== undefined) this.pinger = pinger;
    if (host === undefined) {
      // The transport closed while the handshake was under way.
      this.shut(CloseCode.GoingAway, "server shutting down");
      return;
    }
    this.listener = host.open(this, options);
  }

  /** A frame arrived: a string is a text frame, anything else binary. */
  message(data: unknown): void {
    this.alive = true;
    const listener = this.listener;
    if (this.done || listener === undefined) return;
    if (exceeds(data, this.owner.maxPayload)) {
      // These runtimes cannot refuse a frame by size before it is read; it is dropped here.
      this.shut(CloseCode.TooLarge, "message too big");
      this.finish(CloseCode.TooLarge, "message too big");
      return;
    }
    if (typeof data === "string") listener.message(data);
    else listener.binary();
  }

  /** A pong arrived. */
  pong(): void {
    this.alive = true;
  }

  /**
   * The socket closed (its close event). Deno reports a failed connection with code 0; any
   * code that no close frame can carry becomes 1006 (abnormal closure).
   */
  closed(code: number | undefined, reason: string | undefined): void {
    const endpoint = this.endpoint;
    if (endpoint !== undefined && endpoint.readyState < CLOSED) {
      // workerd leaves answering the peer's close frame to the worker (Deno and ws answer
      // it themselves, and ignore this once closed): echo its code, as RFC 6455 asks.
      try {
        if (code !== undefined && isValidCloseCode(code)) endpoint.close(code, "");
        else endpoint.close(1000, "");
      } catch {
        // Already closed.
      }
    }
    const valid = code !== undefined && code >= 1000 && code <= 4999;
    this.finish(valid ? code : 1006, reason ?? "");
  }

  /** The socket failed (its error event): the connection is over, a close event may follow. */
  failed(): void {
    this.finish(1006, "");
  }

  /** The transport stops: closes with `code`; resolves once the link ended (at most the grace). */
  shutdown(code: number, reason: string): Promise<void> {
    if (this.done) return Promise.resolve();
    if (!this.opened) {
      this.finish(code, reason);
      return Promise.resolve();
    }
    const ended = new Promise<void>((resolve) => this.waiters.push(resolve));
    this.shut(code, reason);
    return ended;
  }

  ping(): void {
    this.pinger?.ping();
  }

  terminate(): void {
    this.pinger?.terminate();
  }

  /** Starts the closing handshake and gives the socket a grace to report its close. */
  private shut(code: number, reason: string): void {
    const endpoint = this.endpoint;
    if (endpoint !== undefined && endpoint.readyState <= OPEN) {
      try {
        endpoint.close(code, clampReason(reason));
      } catch {
        // Already closing.
      }
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.finish(code, reason), CLOSE_GRACE_MS);
    unref(this.timer);
  }

  /** Ends the link once: the transport forgets it, the bot hears of the close. */
  private finish(code: number, reason: string): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    this.owner.gone(this);
    this.listener?.close(code, reason);
    for (const resolve of this.waiters) resolve();
    this.waiters = [];
  }
}
