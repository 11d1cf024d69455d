/**
 * Serialises server frames. Field order is fixed so frames are easy to read in logs.
 * @module
 */
import type { ErrorCode } from "./codes.js";
import { PROTOCOL_VERSION } from "./codes.js";
import type {
  ActivityFrame,
  ErrorFrame,
  Feature,
  OutgoingMessage,
  ServerMessageFrame,
  StreamEnd,
  WelcomeFrame,
} from "./frames.js";

/** Encodes a `message` frame. Throws a `TypeError` when `data` cannot be serialised. */
export function encodeMessage(seq: number, body: OutgoingMessage, replyTo?: string): string {
  const { text, data } = body;
  if (
    data === undefined &&
    (text === undefined || typeof text === "string") &&
    (replyTo === undefined || typeof replyTo === "string") &&
    Number.isSafeInteger(seq)
  ) {
    // The common text reply, built as a string: byte for byte what JSON.stringify gives for
    // the object below (JSON.stringify of a string is the same inside an object or alone),
    // without allocating the object and its property map once per reply.
    let out = `{"type":"message","seq":${seq}`;
    if (replyTo !== undefined) out += `,"replyTo":${JSON.stringify(replyTo)}`;
    if (text !== undefined) out += `,"text":${JSON.stringify(text)}`;
    return `${out}}`;
  }
  const frame: Record<string, unknown> = { type: "message", seq };
  if (replyTo !== undefined) frame.replyTo = replyTo;
  if (body.text !== undefined) frame.text = body.text;
  if (body.data !== undefined) frame.data = body.data;
  return JSON.stringify(frame);
}

/** Encodes a `welcome` frame. */
export function encodeWelcome(
  session: string,
  resumed: boolean,
  seq: number,
  gap: boolean,
): string {
  const frame: WelcomeFrame = { type: "welcome", v: PROTOCOL_VERSION, session, resumed, seq };
  if (gap) frame.gap = true;
  frame.features = [...FEATURES];
  return JSON.stringify(frame);
}

/** Encodes an `error` frame. */
export function encodeError(
  code: ErrorCode,
  message: string,
  replyTo?: string,
  retryAfterMs?: number,
): string {
  const frame: ErrorFrame = { type: "error", code, message };
  if (replyTo !== undefined) frame.replyTo = replyTo;
  if (retryAfterMs !== undefined) frame.retryAfterMs = Math.max(0, Math.ceil(retryAfterMs));
  return JSON.stringify(frame);
}

/** Encodes a `receipt` frame. */
export function encodeReceipt(id: string): string {
  return JSON.stringify({ type: "receipt", id });
}

/** The features a botwire server lists in its welcome. */
export const FEATURES: readonly Feature[] = Object.freeze(["stream", "cancel", "activity", "edit"]);

/** Encodes the opening message of a streamed reply (`text: ""`, no `end`). */
export function encodeStreamOpen(seq: number, stream: string, replyTo?: string): string {
  const to = replyTo === undefined ? "" : `,"replyTo":${JSON.stringify(replyTo)}`;
  return `{"type":"message","seq":${seq}${to},"stream":${JSON.stringify(stream)},"text":""}`;
}

/** Encodes the final message of a streamed reply: the whole text and how it ended. */
export function encodeStreamFinal(
  seq: number,
  stream: string,
  body: OutgoingMessage,
  end: StreamEnd,
  replyTo?: string,
): string {
  const frame: ServerMessageFrame = { type: "message", seq };
  if (replyTo !== undefined) frame.replyTo = replyTo;
  frame.stream = stream;
  frame.text = body.text ?? "";
  if (body.data !== undefined) frame.data = body.data;
  frame.end = end;
  return JSON.stringify(frame);
}

/** Encodes a `delta` frame. */
export function encodeDelta(stream: string, at: number, text: string): string {
  return `{"type":"delta","stream":${JSON.stringify(stream)},"at":${at},"text":${JSON.stringify(text)}}`;
}

/** Encodes an `activity` frame. */
export function encodeActivity(frame: Omit<ActivityFrame, "type">): string {
  // Field order fixed (type, replyTo, kind, label, ttlMs) for readable logs.
  const out: Record<string, unknown> = { type: "activity" };
  if (frame.replyTo !== undefined) out.replyTo = frame.replyTo;
  out.kind = frame.kind;
  if (frame.label !== undefined) out.label = frame.label;
  out.ttlMs = frame.ttlMs;
  return JSON.stringify(out);
}

/** Encodes a `goaway` frame: reconnect (elsewhere) after `reconnectAfterMs`. */
export function encodeGoaway(reconnectAfterMs: number): string {
  return `{"type":"goaway","reconnectAfterMs":${Math.max(0, Math.round(reconnectAfterMs))}}`;
}

/** Encodes a message that replaces message `edits` of the session. */
export function encodeEdit(seq: number, edits: number, body: OutgoingMessage): string {
  const frame: ServerMessageFrame = { type: "message", seq, edits };
  if (body.text !== undefined) frame.text = body.text;
  if (body.data !== undefined) frame.data = body.data;
  return JSON.stringify(frame);
}

/** Encodes a message that withdraws message `retracts` of the session. */
export function encodeRetract(seq: number, retracts: number): string {
  return `{"type":"message","seq":${seq},"retracts":${retracts}}`;
}
