/**
 * `BotClient`: one connection to a botwire server that survives disconnects. It resumes its
 * session, receives every bot message once and in order, and re-sends its own messages
 * until the server confirms them.
 * @module
 */
import { EventEmitter } from "eventemitter3";
import { CloseCode, FATAL_CLOSE_CODES } from "../protocol/codes.js";
import { Acker } from "./acks.js";
import { type Deferred, deferred } from "./deferred.js";
import { ConnectionClosedError, ProtocolError } from "./errors.js";
import type { BotClientEvents, ClientState, ReplyStream, RequestOptions } from "./events.js";
import { type ActivityEvent, type BotMessage, encodeHello, type IncomingFrame } from "./frames.js";
import { Inbox } from "./inbox.js";
import { Link } from "./link.js";
import { Migration } from "./migration.js";
import {
  type BotClientOptions,
  backoffDelay,
  currentToken,
  type ResolvedOptions,
  resolveOptions,
} from "./options.js";
import { Outbox } from "./outbox.js";
import { replyStream } from "./reply-stream.js";

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
  private readonly outbox: Outbox;
  private readonly acker: Acker;
  private readonly inbox: Inbox;
  private readonly migration = new Migration((event) => this.emit("goaway", event));
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
    const write = (frame: string) => this.link?.write(frame) ?? false;
    this.outbox = new Outbox(this.options, write, () => this.current === "open");
    this.acker = new Acker(this.options, write);
    const { pending, pacer } = this.outbox;
    this.inbox = new Inbox(this, this.acker, pending, pacer);
    const { resume } = this.options;
    if (resume !== undefined) {
      this.sessionId = resume.session;
      this.acker.resumeFrom(resume.lastSeq);
    }
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
    return this.outbox.pending.size;
  }

  /** What the bot is doing now (`typing`, …), if anything; see the `activity` event. */
  get activity(): ActivityEvent | undefined {
    return this.inbox.activity.current;
  }

  /** What the server supports beyond plain messages (`welcome.features`; empty for older servers). */
  get features(): readonly string[] {
    return this.outbox.features;
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
   * re-sent after every reconnect until a reply (for a streamed reply: its final message) or
   * a receipt confirms it (the server handles an id once). Throws `QueueFullError` when `maxQueue` messages are unconfirmed.
   * @param text - the message text
   * @param data - an optional JSON-serialisable payload
   */
  send(text: string, data?: unknown): string {
    return this.outbox.send(text, data);
  }

  /**
   * Sends a message and resolves with the bot message that replies to it (for a streamed
   * reply, its final message). Rejects with `RequestTimeoutError`, `ServerError` (an error
   * frame about it), `NoReplyError` (handled without a reply), `CancelledError` or
   * `ConnectionClosedError`.
   * @param text - the message text
   * @param data - an optional JSON-serialisable payload
   * @param options - `timeoutMs` for this request
   */
  request(text: string, data?: unknown, options: RequestOptions = {}): Promise<BotMessage> {
    try {
      return this.outbox.ask(text, data, options)[1];
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Sends a message and follows its reply as it is streamed: iterate the result for the
   * growing text, await its `final` for the final message. Throws as `send()` does.
   * @example
   * ```ts
   * const reply = client.stream("tell me a story");
   * for await (const text of reply) render(text); // all text so far, each time
   * const { end } = await reply.final;
   * ```
   * @param text - the message text
   * @param data - an optional JSON-serialisable payload
   * @param options - `timeoutMs`, as for `request()`
   */
  stream(text: string, data?: unknown, options: RequestOptions = {}): ReplyStream {
    const [id, final] = this.outbox.ask(text, data, options);
    return replyStream(id, final, this.inbox.watchers, () => this.cancel(id));
  }

  /**
   * Asks the bot to stop handling message `id`, the id `send()` returned (a streamed reply
   * then ends `cancelled`, with the text so far). A message still queued (never sent) is
   * dropped and its `request()` rejects with `CancelledError`; one sent before a lost
   * connection is cancelled after the next welcome; any other id is sent as is while
   * connected (another tab's message of this session stops too).
   */
  cancel(id: string): void {
    this.outbox.cancel(id);
  }

  /**
   * Closes the connection for good (no reconnect), after acknowledging what was received.
   * Pending requests reject, also those waiting for a first `connect()`; unconfirmed
   * messages stay queued for a later `connect()`. Resolves once the socket has closed.
   */
  close(): Promise<void> {
    if (this.current === "closed" || this.current === "idle") {
      this.outbox.pending.rejectAll(new ConnectionClosedError(1000, "client closed", false));
      return Promise.resolve();
    }
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
    return encodeHello(token, this.sessionId, this.acker.lastSeq, this.options.traceparent());
  }

  private receive(frame: IncomingFrame | undefined): void {
    if (frame === undefined) {
      this.emit("error", new ProtocolError("ignored a malformed server frame"));
      return;
    }
    if (frame.type === "welcome") this.welcomed(frame);
    else if (frame.type === "goaway") this.migration.goaway(frame.reconnectAfterMs, this.mover());
    else this.inbox.receive(frame, this.current === "open");
  }

  /** What a `goaway` does: drop this link and reconnect (nothing with `reconnect: false`). */
  private mover(): (() => void) | undefined {
    const link = this.link;
    if (this.options.reconnect === false || link === undefined) return undefined;
    return () => {
      if (this.link !== link) return;
      void link.drop();
      this.lost(CloseCode.GoingAway, "server draining");
    };
  }

  private welcomed(frame: Extract<IncomingFrame, { type: "welcome" }>): void {
    if (this.current !== "connecting") return;
    this.link?.welcomed();
    const hadSession = this.sessionId !== undefined;
    this.acker.welcomed(frame.resumed);
    if (!frame.resumed) this.inbox.streams.clear();
    this.outbox.features = frame.features;
    this.sessionId = frame.session;
    this.attempt = 0;
    this.current = "open";
    // Oldest first; the server handles each id once, so repeats are harmless.
    this.outbox.pending.markAllWaiting();
    this.outbox.flush();
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
    this.migration.cancel();
    this.acker.cancel();
    if (code === 1009) this.inbox.dropLargest();
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

  /** Stops for good: no socket, no timers, waiters rejected. */
  private stop(error: ConnectionClosedError): void {
    clearTimeout(this.timer);
    this.migration.cancel();
    this.acker.cancel();
    this.outbox.pacer.cancel();
    this.inbox.activity.reset();
    void this.link?.drop();
    this.link = undefined;
    this.current = "closed";
    this.outbox.pending.rejectAll(error);
    this.opening?.reject(error);
    this.opening = undefined;
    this.emit("close", { code: error.code, reason: error.reason, willReconnect: false });
  }
}
