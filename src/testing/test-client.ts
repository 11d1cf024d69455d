/**
 * `createTestClient(bot)`: talk to a bot in memory, the way a real client would.
 * @module
 */
import type { Bot } from "../bot/bot.js";
import type { Context } from "../core/context.js";
import type { HandledEvent } from "../core/events.js";
import type { ErrorCode } from "../protocol/codes.js";
import type { ServerFrame, ServerMessageFrame } from "../protocol/frames.js";
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
   * while it was handled, error frames) once its middleware chain has finished.
   */
  send(text: string | undefined, data?: unknown): Promise<ServerMessage[]>;
  /** Sends a raw text frame exactly as given (for testing bad input). */
  raw(frame: string): void;
  /** Every frame received so far, in order (welcome, messages, errors, receipts). */
  readonly frames: readonly ServerFrame[];
  /** The bot messages received so far. */
  readonly messages: readonly ServerMessageFrame[];
  /** The protocol session id, once welcomed. */
  readonly session: string | undefined;
  /** The close code and reason if the server closed the connection. */
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

  return {
    frames,
    get messages() {
      return frames.filter((f): f is ServerMessageFrame => f.type === "message");
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
              (f.replyTo === undefined || f.replyTo === id),
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
