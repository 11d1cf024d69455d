/**
 * Wire protocol v1 frames: valibot schemas for what clients send, and types for
 * what the server sends. See `docs/protocol.md` for the full specification.
 * @module
 */
import * as v from "valibot";
import type { ErrorCode } from "./codes.js";
import { isTraceparent } from "./traceparent.js";

/** Longest accepted client message id, session id or token, in characters. */
export const MAX_ID_LENGTH = 128;
/** Longest accepted token, in characters. */
export const MAX_TOKEN_LENGTH = 4096;

const id = v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_ID_LENGTH));

export { isTraceparent } from "./traceparent.js";

const traceparent = v.fallback(v.optional(v.custom<string>(isTraceparent)), undefined);
const seq = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER));

const helloSchema = v.object({
  type: v.literal("hello"),
  token: v.optional(v.pipe(v.string(), v.maxLength(MAX_TOKEN_LENGTH))),
  session: v.optional(id),
  lastSeq: v.optional(seq),
  traceparent,
});

const messageSchema = v.object({
  type: v.literal("message"),
  id: v.optional(id),
  text: v.optional(v.string()),
  data: v.optional(v.unknown()),
  traceparent,
});

const ackSchema = v.object({
  type: v.literal("ack"),
  seq,
});

const cancelSchema = v.object({
  type: v.literal("cancel"),
  id,
});

/** `{"type":"hello","token"?,"session"?,"lastSeq"?}`: the optional first client frame. */
export interface HelloFrame {
  /** Frame type. */
  type: "hello";
  /** Credentials for `auth()` (at most 4096 characters). */
  token?: string | undefined;
  /** A session id from an earlier welcome, to resume it. */
  session?: string | undefined;
  /** The highest `seq` the client received in that session. */
  lastSeq?: number | undefined;
  /**
   * A W3C `traceparent`: the connection's span continues the client's trace (with
   * `botwire/otel`). Dropped when invalid.
   */
  traceparent?: string | undefined;
}

/** `{"type":"message","id"?,"text"?,"data"?}`: a user message. */
export interface MessageFrame {
  /** Frame type. */
  type: "message";
  /** The client's message id; replies carry it as `replyTo`. */
  id?: string | undefined;
  /** The text. */
  text?: string | undefined;
  /** A structured payload. */
  data?: unknown;
  /**
   * A W3C `traceparent`: the message's span continues the client's trace (with
   * `botwire/otel`). Dropped when invalid.
   */
  traceparent?: string | undefined;
}

/** `{"type":"ack","seq"}`: a cumulative acknowledgement of server messages up to `seq`. */
export interface AckFrame {
  /** Frame type. */
  type: "ack";
  /** Every server message up to this seq was received. */
  seq: number;
}

/**
 * `{"type":"cancel","id"}`: stop handling the client message `id` — its handler's
 * `ctx.signal` aborts (on whichever node runs it) and an open stream closes with
 * `end: "cancelled"`. A cancel of an id that is not running in this session does nothing.
 */
export interface CancelFrame {
  /** Frame type. */
  type: "cancel";
  /** The id of the client message whose handling should stop. */
  id: string;
}

/** Any validated client frame. */
export type ClientFrame = HelloFrame | MessageFrame | AckFrame | CancelFrame;

/** Schema of a `hello` frame. */
export const HelloFrameSchema: v.GenericSchema<unknown, HelloFrame> = helloSchema;
/** Schema of a client `message` frame. */
export const MessageFrameSchema: v.GenericSchema<unknown, MessageFrame> = messageSchema;
/** Schema of an `ack` frame. */
export const AckFrameSchema: v.GenericSchema<unknown, AckFrame> = ackSchema;
/** Schema of a `cancel` frame. */
export const CancelFrameSchema: v.GenericSchema<unknown, CancelFrame> = cancelSchema;
/** Schema of any frame a client may send. Unknown fields are dropped. */
export const ClientFrameSchema: v.GenericSchema<unknown, ClientFrame> = v.variant("type", [
  helloSchema,
  messageSchema,
  ackSchema,
  cancelSchema,
]);

/** What this server supports beyond plain messages, listed in `welcome.features`. */
export type Feature = "stream" | "cancel" | "activity" | "edit";

/** How a streamed reply ended (`end` of its final message). */
export type StreamEnd = "done" | "cancelled" | "failed" | "interrupted";

/** Sent after `hello`, or before the first message of a client that sends no hello. */
export interface WelcomeFrame {
  /** Frame type. */
  type: "welcome";
  /** Protocol version (1). */
  v: number;
  /** The unguessable protocol session id; send it back in `hello.session` to resume. */
  session: string;
  /** Whether an earlier session was resumed. */
  resumed: boolean;
  /** The highest `seq` the server has assigned in this session so far. */
  seq: number;
  /** Present (`true`) when some messages after `hello.lastSeq` can no longer be replayed. */
  gap?: boolean;
  /** The frames beyond plain messages this server sends and accepts (see {@link Feature}). */
  features?: Feature[];
}

/** A bot message. `seq` increases by one per session. */
export interface ServerMessageFrame {
  /** Frame type. */
  type: "message";
  /** Sequence number within the session, starting at 1. */
  seq: number;
  /** The client message id this answers, when it is a reply. */
  replyTo?: string;
  /** Message text. */
  text?: string;
  /** Structured payload. */
  data?: unknown;
  /**
   * Set on both messages of a streamed reply: the opening one (`text: ""`, no `end`), and the
   * final one (the whole text, and `end`). `delta` frames in between carry the same id.
   */
  stream?: string;
  /** Set on the final message of a stream: how it ended. Its `text` is the whole text. */
  end?: StreamEnd;
  /** This message replaces the session's message with this seq (its text and data). */
  edits?: number;
  /** This message withdraws the session's message with this seq. */
  retracts?: number;
}

/**
 * `{"type":"delta","stream","at","text"}`: a piece of a streamed reply. Not sequenced:
 * `at` is the offset (UTF-16 code units) in the stream's text where `text` starts, so a
 * client drops what it already has and, when `at` is past what it has, waits for the final.
 */
export interface DeltaFrame {
  /** Frame type. */
  type: "delta";
  /** The stream id (from the stream's opening message). */
  stream: string;
  /** Offset of `text` in the whole text, in UTF-16 code units. */
  at: number;
  /** The text from `at` on. */
  text: string;
}

/**
 * `{"type":"activity","replyTo"?,"kind","label"?,"ttlMs"}`: what the bot is doing (`typing`,
 * `thinking`, `tool`, …). Ephemeral: shown until the final reply to `replyTo`, a newer
 * activity, `kind: "idle"`, or `ttlMs` passes, whichever comes first.
 */
export interface ActivityFrame {
  /** Frame type. */
  type: "activity";
  /** The client message being handled, if any. */
  replyTo?: string;
  /** What the bot is doing; `"idle"` clears the indicator. */
  kind: string;
  /** A short text to show (e.g. the tool's name). */
  label?: string;
  /** How long to show it at most, in milliseconds. */
  ttlMs: number;
}

/** Confirms that a client message was handled when the bot sent no reply to it. */
export interface ReceiptFrame {
  /** Frame type. */
  type: "receipt";
  /** The client message id that was handled. */
  id: string;
}

/** A problem with a frame or its handling. Never carries internals. */
export interface ErrorFrame {
  /** Frame type. */
  type: "error";
  /** Stable machine-readable code. */
  code: ErrorCode;
  /** Short human-readable explanation. */
  message: string;
  /** The client message id this concerns, if any. */
  replyTo?: string;
  /** For `rate_limited`: how long to wait before sending again. */
  retryAfterMs?: number;
}

/**
 * `{"type":"goaway","reconnectAfterMs"}`: the node is draining (a rolling restart). The
 * client should close and reconnect — to another node — after about `reconnectAfterMs`,
 * resuming its session; the node goes on serving the connection until then. Each connection
 * gets its own delay, spread over the drain window, so clients do not all reconnect at once.
 */
export interface GoawayFrame {
  /** Frame type. */
  type: "goaway";
  /** When to reconnect, in milliseconds from now (≥ 0). */
  reconnectAfterMs: number;
}

/** Any frame the server sends. */
export type ServerFrame =
  | WelcomeFrame
  | ServerMessageFrame
  | DeltaFrame
  | ActivityFrame
  | ReceiptFrame
  | ErrorFrame
  | GoawayFrame;

/** The body of an outgoing bot message, as passed to `ctx.reply`, `sendTo` and `broadcast`. */
export interface OutgoingMessage {
  /** Message text. */
  text?: string;
  /** Structured payload (must be JSON-serialisable). */
  data?: unknown;
}
