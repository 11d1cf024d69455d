/**
 * Serialises server frames. Field order is fixed so frames are easy to read in logs.
 * @module
 */
import type { ErrorCode } from "./codes.js";
import { PROTOCOL_VERSION } from "./codes.js";
import type { ErrorFrame, OutgoingMessage, WelcomeFrame } from "./frames.js";

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
