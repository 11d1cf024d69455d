/**
 * Wire protocol v1 frames: valibot schemas for what clients send, and types for
 * what the server sends. See `docs/protocol.md` for the full specification.
 * @module
 */
import * as v from "valibot";
import type { ErrorCode } from "./codes.js";

/** Longest accepted client message id, session id or token, in characters. */
export const MAX_ID_LENGTH = 128;
/** Longest accepted token, in characters. */
export const MAX_TOKEN_LENGTH = 4096;

const id = v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_ID_LENGTH));
const seq = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER));

const helloSchema = v.object({
  type: v.literal("hello"),
  token: v.optional(v.pipe(v.string(), v.maxLength(MAX_TOKEN_LENGTH))),
  session: v.optional(id),
  lastSeq: v.optional(seq),
});

const messageSchema = v.object({
  type: v.literal("message"),
  id: v.optional(id),
  text: v.optional(v.string()),
  data: v.optional(v.unknown()),
});

const ackSchema = v.object({
  type: v.literal("ack"),
  seq,
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
}

/** `{"type":"ack","seq"}`: a cumulative acknowledgement of server messages up to `seq`. */
export interface AckFrame {
  /** Frame type. */
  type: "ack";
  /** Every server message up to this seq was received. */
  seq: number;
}

/** Any validated client frame. */
export type ClientFrame = HelloFrame | MessageFrame | AckFrame;

/** Schema of a `hello` frame. */
export const HelloFrameSchema: v.GenericSchema<unknown, HelloFrame> = helloSchema;
/** Schema of a client `message` frame. */
export const MessageFrameSchema: v.GenericSchema<unknown, MessageFrame> = messageSchema;
/** Schema of an `ack` frame. */
export const AckFrameSchema: v.GenericSchema<unknown, AckFrame> = ackSchema;
/** Schema of any frame a client may send. Unknown fields are dropped. */
export const ClientFrameSchema: v.GenericSchema<unknown, ClientFrame> = v.variant("type", [
  helloSchema,
  messageSchema,
  ackSchema,
]);

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

/** Any frame the server sends. */
export type ServerFrame = WelcomeFrame | ServerMessageFrame | ReceiptFrame | ErrorFrame;

/** The body of an outgoing bot message, as passed to `ctx.reply`, `sendTo` and `broadcast`. */
export interface OutgoingMessage {
  /** Message text. */
  text?: string;
  /** Structured payload (must be JSON-serialisable). */
  data?: unknown;
}
