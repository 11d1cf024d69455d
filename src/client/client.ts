/**
 * `BotClient`: one connection to a botwire server that survives disconnects. It resumes its
 * session, receives every bot message once and in order, and re-sends its own messages
 * until the server confirms them.
 * @module
 */
import { EventEmitter } from "eventemitter3";
import { FATAL_CLOSE_CODES } from "../protocol/codes.js";
import { Acker } from "./acks.js";
import { type Deferred, deferred } from "./deferred.js";
import {
  ConnectionClosedError,
  NoReplyError,
  ProtocolError,
  QueueFullError,
  RequestTimeoutError,
  ServerError,
} from "./errors.js";
import type { BotClientEvents, ClientState, RequestOptions } from "./events.js";
import { type BotMessage, encodeHello, encodeMessage, type IncomingFrame } from "./frames.js";
import { messageIds } from "./ids.js";
import { Link } from "./link.js";
import {
  type BotClientOptions,
  backoffDelay,
  currentToken,
  type ResolvedOptions,
  resolveOptions,
} from "./options.js";
import { Pacer } from "./pacer.js";
import { Pending } from "./pending.js";

/**
 * A resilient client for a botwire server, in Node and in browsers.
 *
 * @example
 * ```ts
 * const client = new BotClient("wss://example.com/chat", { token });
 * client.on("message", (m) => console.log(m.text));
 * await client.connect();
 * const reply = await client.request("/start");
 * client.send("hello"); // queued while offline, delivered once
 * ```
 */
export class BotClient extends EventEmitter<BotClientEvents> {
  private readonly options: ResolvedOptions;
  private readonly nextId = messageIds();
  private readonly pending: Pending;
  private readonly acker: Acker;
  private readonly pacer = new Pacer(() => this.flush());
  /** The current connection attempt or connection; `undefined` between attempts. */
  private link: Link | undefined;
  private current: ClientState = "idle";
  private sessionId: string | undefined;
  private attempt = 0;
  /** The reconnect delay running. */
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Callers of `connect()` waiting for the welcome. */
  private opening: Deferred | undefined;

  /**
   * @param url - the server's WebSocket URL (`ws://` or `wss://`)
   * @param options - see {@link BotClientOptions}
   */
  constructor(
    readonly url: string,
    options: BotClientOptions = {},
  ) {
    super();
    if (typeof url !== "string" || !/^wss?:\/\/./i.test(url)) {
      throw new TypeError(
        `new BotClient(url): url must start with ws:// or wss://, got ${String(url)}`,
      );
    }
    this.options = resolveOptions(options);
    this.pending = new Pending(this.options.maxQueue);
    this.acker = new Acker(this.options, (frame) => this.write(frame));
  }

  /** The lifecycle state. */
  get state(): ClientState {
    return this.current;
  }

  /** The protocol session id, once welcomed. Kept across reconnects. */
  get session(): string | undefined {
    return this.sessionId;
  }

  /** The highest bot message `seq` received in this session. */
  get lastSeq(): number {
    return this.acker.lastSeq;
  }

  /** Messages sent or queued and not yet confirmed by the server. */
  get unconfirmed(): number {
    return this.pending.size;
  }

  /**
   * Connects (or reconnects after `close()`) and resolves once the server's welcome arrived.
   * Failed attempts are retried per the `reconnect` option; rejects with a
   * `ConnectionClosedError` on a fatal close, when retries run out, or on `close()`.
   */
  connect(): Promise<void> {
    if (this.current === "open") return Promise.resolve();
    this.opening ??= deferred();
    if (this.current === "idle" || this.current === "closed") {
      this.attempt = 0;
      this.open();
    }
    return this.opening.promise;
  }

  /**
   * Sends a message and returns its id. Offline, it is queued and sent on (re)connect; it is
   * re-sent after every reconnect until a reply or receipt confirms it (the server handles
   * an id once). Throws `QueueFullError` when `maxQueue` messages are unconfirmed.
   * @param text - the message text
   * @param data - an optional JSON-serialisable payload
   */
  send(text: string, data?: unknown): string {
    if (typeof text !== "string") throw new TypeError("send(text, data?): text must be a string");
    if (this.pending.full) throw new QueueFullError(this.options.maxQueue);
    const id = this.nextId();
    const encoded = encodeMessage(id, text, data, this.options.maxFrameBytes);
    this.pending.add(id, encoded);
    this.pending.markWaiting(id);
    this.flush();
    return id;
  }

  /**
   * Sends a message and resolves with the first bot message that replies to it. Rejects
   * with `RequestTimeoutError`, `ServerError` (an error frame about it), `NoReplyError`
   * (handled without a reply) or `ConnectionClosedError`.
   * @param text - the message text
   * @param data - an optional JSON-serialisable payload
   * @param options - `timeoutMs` for this request
   */
  request(text: string, data?: unknown, options: RequestOptions = {}): Promise<BotMessage> {
    const timeoutMs = options.timeoutMs ?? this.options.requestTimeoutMs;
    if (!(timeoutMs > 0)) return Promise.reject(new RangeError("request(): timeoutMs must be > 0"));
    let id: string;
    try {
      id = this.send(text, data);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.pending.wait(id, timeoutMs, () => new RequestTimeoutError(id, timeoutMs));
  }

  /**
   * Closes the connection for good (no reconnect), after acknowledging what was received.
   * Pending requests reject; unconfirmed messages stay queued for a later `connect()`.
   * Resolves once the socket has closed.
   */
  close(): Promise<void> {
    if (this.current === "closed" || this.current === "idle") return Promise.resolve();
    this.acker.flush();
    const closed = this.link?.drop() ?? Promise.resolve();
    this.stop(new ConnectionClosedError(1000, "client closed", false));
    return closed;
  }

  // ── Connection ────────────────────────────────────────────────────────────

  private open(): void {
    this.current = "connecting";
    const { WebSocket, connectTimeoutMs } = this.options;
    const link: Link = new Link(WebSocket, this.url, connectTimeoutMs, {
      hello: () => this.hello(),
      frame: (frame) => this.receive(frame),
      lost: (code, reason) => this.link === link && this.lost(code, reason),
    });
    this.link = link;
  }

  private async hello(): Promise<string> {
    const token = await currentToken(this.options.token).catch((error: unknown) => {
      // Connect without a token: the server decides whether that is enough.
      this.emit("error", error instanceof Error ? error : new Error(String(error)));
      return undefined;
    });
    return encodeHello(token, this.sessionId, this.acker.lastSeq);
  }

  private receive(frame: IncomingFrame | undefined): void {
    if (frame === undefined) {
      this.emit("error", new ProtocolError("ignored a malformed server frame"));
      return;
    }
    if (frame.type === "welcome") return this.welcomed(frame);
    if (frame.type === "error") {
      const error = new ServerError(frame.code, frame.message, frame.replyTo, frame.retryAfterMs);
      if (frame.code === "rate_limited" && frame.replyTo !== undefined) {
        // Refused before it was handled: send nothing until the wait is over, then it and the rest.
        this.pending.markWaiting(frame.replyTo);
        this.pacer.hold(frame.retryAfterMs);
        this.emit("error", error);
        return;
      }
      // A request waiting for this id takes the error; otherwise it goes to listeners.
      if (frame.replyTo === undefined || !this.confirm(frame.replyTo, error)) {
        this.emit("error", error);
      }
      return;
    }
    // Messages and receipts count only after the welcome: a compliant server sends it first.
    if (this.current !== "open") return;
    if (frame.type === "message") {
      const message = frame.message;
      if (!this.acker.receive(message.seq)) return; // a duplicate around a reconnect
      if (message.replyTo !== undefined) this.confirm(message.replyTo, message);
      this.emit("message", message);
    } else {
      this.confirm(frame.id, new NoReplyError(frame.id));
    }
  }

  /** The server is done with message `id`: forget it, settle its request, tell listeners. */
  private confirm(id: string, outcome: BotMessage | Error): boolean {
    const known = this.pending.confirm(id);
    const taken = this.pending.settle(id, outcome);
    if (known) this.emit("confirmed", id);
    return taken;
  }

  private welcomed(frame: Extract<IncomingFrame, { type: "welcome" }>): void {
    if (this.current !== "connecting") return;
    this.link?.welcomed();
    const hadSession = this.sessionId !== undefined;
    this.acker.welcomed(frame.resumed);
    this.sessionId = frame.session;
    this.attempt = 0;
    this.current = "open";
    // Oldest first; the server handles each id once, so repeats are harmless.
    this.pending.markAllWaiting();
    this.flush();
    this.acker.flush();
    this.emit("open", {
      session: frame.session,
      resumed: frame.resumed,
      gap: frame.gap || (hadSession && !frame.resumed),
    });
    this.opening?.resolve();
    this.opening = undefined;
  }

  private lost(code: number, reason: string): void {
    const wasOpen = this.current === "open";
    this.link = undefined;
    clearTimeout(this.timer);
    this.acker.cancel();
    if (code === 1009) this.dropOversized();
    const reconnect = this.options.reconnect;
    const fatal = FATAL_CLOSE_CODES.has(code);
    if (fatal || reconnect === false || this.attempt >= reconnect.maxRetries) {
      return this.stop(new ConnectionClosedError(code, reason, fatal));
    }
    if (wasOpen) this.emit("close", { code, reason, willReconnect: true });
    const delayMs = backoffDelay(reconnect, this.attempt++);
    this.current = "reconnecting";
    this.emit("reconnecting", { attempt: this.attempt, delayMs });
    this.timer = setTimeout(() => this.open(), delayMs);
  }

  /** After a 1009 close, gives up the largest unconfirmed message: re-sending it would loop. */
  private dropOversized(): void {
    const id = this.pending.largest();
    if (id === undefined) return;
    const error = new ServerError("too_large", "message larger than the server accepts", id);
    if (!this.confirm(id, error)) this.emit("error", error);
  }

  /** Stops for good: no socket, no timers, waiters rejected. */
  private stop(error: ConnectionClosedError): void {
    clearTimeout(this.timer);
    this.acker.cancel();
    this.pacer.cancel();
    void this.link?.drop();
    this.link = undefined;
    this.current = "closed";
    this.pending.rejectAll(error);
    this.opening?.reject(error);
    this.opening = undefined;
    this.emit("close", { code: error.code, reason: error.reason, willReconnect: false });
  }

  /** Writes the messages waiting to be sent, oldest first, unless offline or held. */
  private flush(): void {
    if (this.current !== "open" || this.pacer.held) return;
    for (const frame of this.pending.takeWaiting()) this.write(frame);
  }

  private write(frame: string): boolean {
    return this.link?.write(frame) ?? false;
  }
}
