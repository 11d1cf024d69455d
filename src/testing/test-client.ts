/**
 * `createTestClient(bot)`: talk to a bot in memory, the way a real client would.
 * @module
 */
import type { Bot } from "../bot/bot.js";
import type { Context } from "../core/context.js";
import type { HandledEvent } from "../core/events.js";
import type { ErrorCode } from "../protocol/codes.js";
import type {
  ActivityFrame,
  DeltaFrame,
  ServerFrame,
  ServerMessageFrame,
  StreamEnd,
} from "../protocol/frames.js";
import { MemoryTransport } from "../transports/memory/transport.js";

/**
 * A frame answering a message: a bot message (`type: "message"`) or an error
 * (`type: "error"`), flattened into one shape so tests can read `text` or `code` directly.
 */
export interface ServerMessage {
  /** `"message"` for bot messages, `"error"` for error frames. */
  type: "message" | "error";
  /** For messages: the sequence number. */
  seq?: number;
  /** The id of the message this answers, if it is a reply. */
  replyTo?: string;
  /** For messages: the text. */
  text?: string;
  /** For messages: the payload. */
  data?: unknown;
  /** For the final message of a streamed reply: its stream id. */
  stream?: string;
  /** For the final message of a streamed reply: how it ended. */
  end?: StreamEnd;
  /** For an edit: the seq of the message it replaces. */
  edits?: number;
  /** For a retraction: the seq of the message it withdraws. */
  retracts?: number;
  /** For errors: the error code. */
  code?: ErrorCode;
  /** For errors: the explanation. */
  message?: string;
  /** For `rate_limited` errors: when to retry. */
  retryAfterMs?: number;
}

/** Options of {@link createTestClient}. */
export interface TestClientOptions {
  /** Sent as `hello.token`, for bots that use `auth()`. */
  token?: string;
  /** Request headers the bot should see (e.g. `authorization`, `cookie`). */
  headers?: Record<string, string>;
  /** The `Origin` the bot should see. */
  origin?: string;
  /** Resume this protocol session (as after a reconnect). */
  session?: string;
  /** With `session`: the last seq this client had. */
  lastSeq?: number;
}

/** How a connection was closed. */
export interface CloseInfo {
  /** The WebSocket close code. */
  code: number;
  /** The close reason. */
  reason: string;
}

/** An in-memory client of a bot. */
export interface TestClient {
  /**
   * Sends a message and resolves with the frames that answered it (replies, messages sent
   * while it was handled, error frames) once its middleware chain has finished. A streamed
   * reply is there as its final message (the opening one is left out).
   */
  send(text: string | undefined, data?: unknown): Promise<ServerMessage[]>;
  /** Sends a raw text frame exactly as given (for testing bad input). */
  raw(frame: string): void;
  /** Every frame received so far, in order (welcome, messages, errors, receipts). */
  readonly frames: readonly ServerFrame[];
  /** The bot messages received so far (stream openings, finals and edits included). */
  readonly messages: readonly ServerMessageFrame[];
  /** The `delta` frames of streamed replies received so far. */
  readonly deltas: readonly DeltaFrame[];
  /** The `activity` frames received so far (`typing`, `idle`, the bot's own). */
  readonly activities: readonly ActivityFrame[];
  /** The edits and retractions received so far (messages with `edits` or `retracts`). */
  readonly edits: readonly ServerMessageFrame[];
  /** The id of the message `send()` sent last, e.g. to cancel it while it is handled. */
  readonly lastMessageId: string | undefined;
  /**
   * The text of a stream as a client puts it together from its deltas (dropping repeats;
   * stopping at a hole), or its final text once the final message arrived.
   */
  streamText(stream: string): string | undefined;
  /** Sends a `cancel` for a message (default: the last one sent). */
  cancel(id?: string): void;
  /** The protocol session id, once welcomed. */
  readonly session: string | undefined;
  /** The close code and reason once the connection closed (by the server, or by `close()`). */
  readonly closed: CloseInfo | undefined;
  /** Closes the connection and waits until the bot has processed the disconnect. */
  close(): Promise<void>;
}

const transports = new WeakMap<Bot<never>, MemoryTransport>();
/** Message ids are unique across test clients, so a resumed session never sees an id twice. */
let messageCounter = 0;

function transportFor<C extends Context>(bot: Bot<C>): MemoryTransport {
  const key = bot as unknown as Bot<never>;
  let transport = transports.get(key);
  if (transport === undefined || !transport.listening) {
    const fresh = new MemoryTransport();
    transports.set(key, fresh);
    // start() registers a transport synchronously unless the bot is mid-stop; then the
    // transport starts listening once the stop is done.
    bot
      .start(fresh)
      .catch((error: unknown) => bot.logger.error?.("test transport failed", { error }));
    transport = fresh;
  }
  return transport;
}

/**
 * Creates an in-memory client of `bot` (starting the bot on an in-memory transport if
 * needed). Each client is its own session.
 *
 * @example
 * ```ts
 * const client = createTestClient(bot);
 * const [reply] = await client.send("/start");
 * expect(reply?.text).toBe("Welcome!");
 * ```
 */
export function createTestClient<C extends Context>(
  bot: Bot<C>,
  options: TestClientOptions = {},
): TestClient {
  const transport = transportFor(bot);
  const frames: ServerFrame[] = [];
  let session: string | undefined;
  let closed: { code: number; reason: string } | undefined;
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const w of [...waiters]) w();
  };
  const headers: Record<string, string> = { ...options.headers };
  const conn = transport.connect(
    {
      receive(text) {
        const frame = JSON.parse(text) as ServerFrame;
        if (frame.type === "welcome") session = frame.session;
        frames.push(frame);
        wake();
      },
      closed(code, reason) {
        closed = { code, reason };
        wake();
      },
    },
    { headers, ...(options.origin !== undefined && { origin: options.origin }) },
  );
  const hello: Record<string, unknown> = { type: "hello" };
  if (options.token !== undefined) hello.token = options.token;
  if (options.session !== undefined) hello.session = options.session;
  if (options.lastSeq !== undefined) hello.lastSeq = options.lastSeq;
  conn.send(JSON.stringify(hello));
  let connectionId: string | undefined;
  let lastMessageId: string | undefined;
  const messages = () => frames.filter((f): f is ServerMessageFrame => f.type === "message");

  return {
    frames,
    get messages() {
      return messages();
    },
    get deltas() {
      return frames.filter((f): f is DeltaFrame => f.type === "delta");
    },
    get activities() {
      return frames.filter((f): f is ActivityFrame => f.type === "activity");
    },
    get edits() {
      return messages().filter((f) => f.edits !== undefined || f.retracts !== undefined);
    },
    get lastMessageId() {
      return lastMessageId;
    },
    streamText(stream) {
      const final = messages().find((f) => f.stream === stream && f.end !== undefined);
      if (final !== undefined) return final.text ?? "";
      let text: string | undefined;
      for (const f of frames) {
        if (f.type !== "delta" || f.stream !== stream) continue;
        if (text === undefined) text = f.at === 0 ? "" : undefined;
        if (text === undefined || f.at > text.length) break;
        text = text.slice(0, f.at) + f.text + text.slice(f.at + f.text.length);
      }
      return text;
    },
    cancel(id = lastMessageId) {
      if (id !== undefined) conn.send(JSON.stringify({ type: "cancel", id }));
    },
    get session() {
      return session;
    },
    get closed() {
      return closed;
    },
    raw(frame) {
      conn.send(frame);
    },
    send(text, data) {
      const id = `t${++messageCounter}`;
      lastMessageId = id;
      const frame: Record<string, unknown> = { type: "message", id };
      if (text !== undefined) frame.text = text;
      if (data !== undefined) frame.data = data;
      const start = frames.length;
      const replies = () =>
        frames
          .slice(start)
          .filter(
            (f): f is ServerMessage & ServerFrame =>
              (f.type === "message" || f.type === "error") &&
              (f.replyTo === undefined || f.replyTo === id) &&
              !(f.type === "message" && f.stream !== undefined && f.end === undefined),
          );
      return new Promise<ServerMessage[]>((resolve) => {
        const finish = () => {
          waiters.delete(check);
          bot.events.off("handled", onHandled);
          resolve(replies());
        };
        const onHandled = (event: HandledEvent) => {
          if (
            event.id === id &&
            (connectionId === undefined || event.connectionId === connectionId)
          ) {
            connectionId = event.connectionId;
            finish();
          }
        };
        // Refused before its chain ran (rate limit, bad frame) or the connection closed.
        const check = () => {
          if (closed !== undefined) finish();
        };
        waiters.add(check);
        bot.events.on("handled", onHandled);
        conn.send(JSON.stringify(frame));
        const refused = frames
          .slice(start)
          .some((f) => f.type === "error" && f.replyTo === id && f.code !== "internal");
        if (refused) finish();
        else check();
      });
    },
    close() {
      if (closed !== undefined) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const onDisconnect = () => setTimeout(resolve, 0);
        bot.events.once("disconnect", onDisconnect);
        conn.close();
      });
    },
  };
}
