/**
 * The events of a `BotClient`, their payloads, and the client's lifecycle states.
 * @module
 */
import type { ActivityEvent, BotMessage, EditEvent, RetractEvent } from "./frames.js";

/** Where the client is in its lifecycle. */
export type ClientState = "idle" | "connecting" | "open" | "reconnecting" | "closed";

/** Payload of the `open` event. */
export interface OpenEvent {
  /** The protocol session id. */
  session: string;
  /**
   * Whether the earlier session was resumed (false on the first connection, unless the
   * `resume` option named a session the server still had).
   */
  resumed: boolean;
  /** True when bot messages were lost for good: the server's outbox no longer had them, or the session expired. */
  gap: boolean;
}

/** Payload of the `close` event. */
export interface CloseEvent {
  /** The WebSocket close code. */
  code: number;
  /** The close reason. */
  reason: string;
  /** Whether the client will try to reconnect. */
  willReconnect: boolean;
}

/** Payload of the `reconnecting` event. */
export interface ReconnectingEvent {
  /** 1 for the first retry after a lost connection, then 2, 3, … */
  attempt: number;
  /** How long the client waits before this attempt. */
  delayMs: number;
}

/** Payload of the `goaway` event: the server is draining (a rolling restart). */
export interface GoawayEvent {
  /**
   * In how many milliseconds the client moves: closes this connection and reconnects,
   * resuming its session (a load balancer sends it to another node). The server's hint
   * with ±10% jitter. Without automatic reconnects (`reconnect: false`) nothing is
   * scheduled: the app decides.
   */
  reconnectAfterMs: number;
}

/** Payload of the `stream` event: a streamed reply opened. */
export interface StreamEvent {
  /** The stream id; its deltas and its final message carry it. */
  stream: string;
  /** The client message it answers (unknown when tracking began with a resume snapshot). */
  replyTo?: string;
  /** The text so far (`""` on an opening message). */
  text: string;
}

/** Payload of the `delta` event: a streamed reply grew. */
export interface DeltaEvent {
  /** The stream id. */
  stream: string;
  /** The client message it answers, when known. */
  replyTo?: string;
  /** All the text so far. */
  text: string;
  /** The new piece at its end (what `text` gained with this frame). */
  delta: string;
}

/** The events of a `BotClient` and their listener signatures. */
export interface BotClientEvents {
  /** A connection was welcomed (first connect and every successful reconnect). */
  open: (event: OpenEvent) => void;
  /**
   * A bot message arrived (each `seq` once, in order), including the final message of a
   * streamed reply (with `stream` and `end`). Stream openings, edits and retractions come
   * as `stream`, `edit` and `retract` instead.
   */
  message: (message: BotMessage) => void;
  /** A streamed reply opened (its deltas follow as `delta`, its final as `message`). */
  stream: (event: StreamEvent) => void;
  /** A streamed reply grew: `text` is all of it so far. Repeats are never reported. */
  delta: (event: DeltaEvent) => void;
  /**
   * The bot's activity changed (also see `BotClient.activity`). When the shown activity
   * ends here (its final reply came, or its `ttlMs` passed), this fires with `kind: "idle"`.
   */
  activity: (event: ActivityEvent) => void;
  /** An earlier message of the session was replaced (seq'd: each once, in order). */
  edit: (event: EditEvent) => void;
  /** An earlier message of the session was withdrawn (seq'd: each once, in order). */
  retract: (event: RetractEvent) => void;
  /**
   * The server is done with a message this client sent (a reply, a receipt or an error
   * frame about it arrived, but `rate_limited`: that message is sent again after its
   * `retryAfterMs`); it will not be re-sent. Useful for "delivered" ticks.
   */
  confirmed: (id: string) => void;
  /** An open connection closed, or the client stopped for good. */
  close: (event: CloseEvent) => void;
  /** A reconnect attempt is scheduled. */
  reconnecting: (event: ReconnectingEvent) => void;
  /** The server asked the client to reconnect elsewhere soon (it is draining). */
  goaway: (event: GoawayEvent) => void;
  /**
   * A server `error` frame no request was waiting for, a `rate_limited` one (its message is
   * sent again later, its request goes on waiting), a malformed server frame, or a failure
   * of the `token` function (the client then connects without a token).
   */
  error: (error: Error) => void;
}

/** Options of `BotClient.request` and `BotClient.stream`. */
export interface RequestOptions {
  /**
   * How long to wait for the reply. For a streamed reply the wait starts over with its
   * opening and each delta: it bounds silence, not the length of the answer.
   * @default the client's `requestTimeoutMs` (30000)
   */
  timeoutMs?: number;
}

/**
 * What `BotClient.stream()` returns: an async iterable of the reply's growing text (all of
 * it so far each time; a slow loop skips intermediate states; the final text comes last).
 * Iteration throws what `final` rejects with. Leaving the loop early does not stop the bot:
 * call `cancel()` for that.
 */
export interface ReplyStream extends AsyncIterable<string> {
  /** The id of the message sent. */
  readonly id: string;
  /**
   * The final message of the streamed reply, or the reply itself when the bot did not
   * stream. Rejects like `request()`.
   */
  readonly final: Promise<BotMessage>;
  /** Asks the bot to stop (see `BotClient.cancel`). */
  cancel(): void;
}
