/**
 * Decoding of server frames on the client. The server is not trusted: anything that is not
 * a well-formed protocol v1 frame is rejected here, so the client never acts on it.
 * Hand-written instead of valibot to keep the browser bundle small.
 * @module
 */

import type { StreamEnd } from "../protocol/frames.js";

/** A bot message as the client receives it. */
export interface BotMessage {
  /** The message's sequence number in the session (starts at 1). */
  seq: number;
  /** The id of the client message this answers, when it is a reply. */
  replyTo?: string;
  /** Message text. For the final message of a stream: the whole text. */
  text?: string;
  /** Structured payload, exactly as the bot sent it. */
  data?: unknown;
  /** Set when this is the final message of a streamed reply: the stream's id. */
  stream?: string;
  /** Set with `stream`: how the stream ended. */
  end?: StreamEnd;
}

/** Payload of the `activity` event and value of `BotClient.activity`: what the bot is doing. */
export interface ActivityEvent {
  /** The client message being handled, if any. */
  replyTo?: string;
  /** `"typing"`, `"thinking"`, `"tool"`, …; `"idle"` when the indicator should go away. */
  kind: string;
  /** A short text to show (e.g. a tool's name). */
  label?: string;
  /** How long to show it at most, in milliseconds (at most 60000). */
  ttlMs: number;
}

/** Payload of the `edit` event: message `edits` of the session was replaced. */
export interface EditEvent {
  /** This edit's own seq. */
  seq: number;
  /** The seq of the message it replaces. */
  edits: number;
  /** The new text, if any. */
  text?: string;
  /** The new structured payload, if any. */
  data?: unknown;
}

/** Payload of the `retract` event: message `retracts` of the session was withdrawn. */
export interface RetractEvent {
  /** This retraction's own seq. */
  seq: number;
  /** The seq of the message withdrawn. */
  retracts: number;
}

/** A validated server frame. */
export type IncomingFrame =
  | {
      type: "welcome";
      session: string;
      resumed: boolean;
      seq: number;
      gap: boolean;
      features: string[];
    }
  | { type: "message"; message: BotMessage }
  | { type: "edit"; event: EditEvent }
  | { type: "retract"; event: RetractEvent }
  | { type: "delta"; stream: string; at: number; text: string }
  | { type: "activity"; event: ActivityEvent }
  | { type: "receipt"; id: string }
  | { type: "goaway"; reconnectAfterMs: number }
  | { type: "error"; code: string; message: string; replyTo?: string; retryAfterMs?: number };

const MAX_ID = 128;
/** The longest an activity is shown, whatever ttlMs the server asks for. */
const MAX_TTL_MS = 60_000;
/** The longest `goaway` delay honoured: a server cannot park a client on a dying node. */
const MAX_GOAWAY_MS = 10 * 60_000;

const ENDS: readonly unknown[] = ["done", "cancelled", "failed", "interrupted"] as const;

function isSeq(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function isId(value: unknown): value is string {
  return typeof value === "string" && value.length > 0 && value.length <= MAX_ID;
}

function optional<T>(value: unknown, check: (v: unknown) => v is T): value is T | undefined {
  return value === undefined || check(value);
}

const isString = (value: unknown): value is string => typeof value === "string";

/** Parses and validates one raw frame; `undefined` when it is not a valid server frame. */
export function decodeServerFrame(raw: unknown): IncomingFrame | undefined {
  if (typeof raw !== "string") return undefined;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) return undefined;
  const f = json as Record<string, unknown>;
  switch (f.type) {
    case "welcome":
      if (!isId(f.session) || typeof f.resumed !== "boolean" || !isSeq(f.seq)) return undefined;
      return {
        type: "welcome",
        session: f.session,
        resumed: f.resumed,
        seq: f.seq,
        gap: f.gap === true,
        features: Array.isArray(f.features) ? f.features.filter(isString).slice(0, 16) : [],
      };
    case "message": {
      if (!isSeq(f.seq) || f.seq === 0) return undefined;
      if (!optional(f.replyTo, isId) || !optional(f.text, isString)) return undefined;
      if (f.edits !== undefined || f.retracts !== undefined) return decodeChange(f, f.seq);
      // `end` only closes a stream: without one, or an unknown value, the frame is not valid.
      const ends = f.end === undefined || (f.stream !== undefined && ENDS.includes(f.end));
      if (!optional(f.stream, isId) || !ends) return undefined;
      // A fresh object with only the known fields: nothing else from the server is kept.
      const message: BotMessage = { seq: f.seq };
      if (f.replyTo !== undefined) message.replyTo = f.replyTo;
      if (f.text !== undefined) message.text = f.text;
      if (f.data !== undefined) message.data = f.data;
      if (f.stream !== undefined) message.stream = f.stream;
      if (f.end !== undefined) message.end = f.end as StreamEnd;
      return { type: "message", message };
    }
    case "delta":
      if (!isId(f.stream) || !isSeq(f.at) || !isString(f.text)) return undefined;
      return { type: "delta", stream: f.stream, at: f.at, text: f.text };
    case "activity": {
      const { replyTo, kind, label, ttlMs } = f;
      if (!isId(kind) || !optional(replyTo, isId) || !optional(label, isString)) return undefined;
      if (typeof ttlMs !== "number" || !(ttlMs >= 0)) return undefined;
      const event: ActivityEvent = { kind, ttlMs: Math.min(ttlMs, MAX_TTL_MS) };
      if (replyTo !== undefined) event.replyTo = replyTo;
      if (label !== undefined) event.label = label;
      return { type: "activity", event };
    }
    case "receipt":
      return isId(f.id) ? { type: "receipt", id: f.id } : undefined;
    case "goaway":
      return isSeq(f.reconnectAfterMs)
        ? { type: "goaway", reconnectAfterMs: Math.min(f.reconnectAfterMs, MAX_GOAWAY_MS) }
        : undefined;
    case "error": {
      if (!isString(f.code) || !isString(f.message) || !optional(f.replyTo, isId)) return undefined;
      const frame: IncomingFrame = { type: "error", code: f.code, message: f.message };
      if (f.replyTo !== undefined) frame.replyTo = f.replyTo;
      if (isSeq(f.retryAfterMs)) frame.retryAfterMs = f.retryAfterMs;
      return frame;
    }
    default:
      return undefined;
  }
}

/** An edit (`edits`) or a retraction (`retracts`) of an earlier message; exactly one of both. */
function decodeChange(f: Record<string, unknown>, seq: number): IncomingFrame | undefined {
  const { edits, retracts } = f;
  if (retracts !== undefined) {
    if (edits !== undefined || !isSeq(retracts) || retracts === 0) return undefined;
    return { type: "retract", event: { seq, retracts } };
  }
  if (!isSeq(edits) || edits === 0) return undefined;
  const event: EditEvent = { seq, edits };
  if (f.text !== undefined) event.text = f.text as string;
  if (f.data !== undefined) event.data = f.data;
  return { type: "edit", event };
}

/** UTF-8 length of `text`, or a bound on it when even three bytes per unit stay under `max`. */
function byteLength(text: string, max: number): number {
  // A UTF-16 unit is at most 3 UTF-8 bytes: skip encoding when that bound already fits.
  return text.length * 3 <= max ? text.length : new TextEncoder().encode(text).length;
}

/**
 * Encodes a client `message` frame; throws a `RangeError` when it is larger than
 * `maxFrameBytes` (the server would close the connection with 1009).
 */
export function encodeMessage(
  id: string,
  text: string,
  data: unknown,
  maxFrameBytes: number,
  traceparent?: string,
): string {
  const frame: Record<string, unknown> = { type: "message", id, text };
  if (data !== undefined) frame.data = data;
  if (traceparent !== undefined) frame.traceparent = traceparent;
  const encoded = JSON.stringify(frame);
  if (byteLength(encoded, maxFrameBytes) > maxFrameBytes) {
    throw new RangeError(`send(): message is larger than maxFrameBytes (${maxFrameBytes})`);
  }
  return encoded;
}

/** Encodes a `hello` frame, with the session to resume and the last seq received, if any. */
export function encodeHello(
  token: string | undefined,
  session: string | undefined,
  lastSeq: number,
  traceparent?: string,
): string {
  const frame: Record<string, unknown> = { type: "hello" };
  if (token !== undefined) frame.token = token;
  if (traceparent !== undefined) frame.traceparent = traceparent;
  if (session !== undefined) {
    frame.session = session;
    frame.lastSeq = lastSeq;
  }
  return JSON.stringify(frame);
}

/** Encodes a `cancel` frame for client message `id`. */
export function encodeCancel(id: string): string {
  return JSON.stringify({ type: "cancel", id });
}
