/**
 * Decoding of server frames on the client. The server is not trusted: anything that is not
 * a well-formed protocol v1 frame is rejected here, so the client never acts on it.
 * Hand-written instead of valibot to keep the browser bundle small.
 * @module
 */

/** A bot message as the client receives it. */
export interface BotMessage {
  /** The message's sequence number in the session (starts at 1). */
  seq: number;
  /** The id of the client message this answers, when it is a reply. */
  replyTo?: string;
  /** Message text. */
  text?: string;
  /** Structured payload, exactly as the bot sent it. */
  data?: unknown;
}

/** A validated server frame. */
export type IncomingFrame =
  | { type: "welcome"; session: string; resumed: boolean; seq: number; gap: boolean }
  | { type: "message"; message: BotMessage }
  | { type: "receipt"; id: string }
  | { type: "error"; code: string; message: string; replyTo?: string; retryAfterMs?: number };

const MAX_ID = 128;

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
      };
    case "message": {
      if (!isSeq(f.seq) || f.seq === 0) return undefined;
      if (!optional(f.replyTo, isId) || !optional(f.text, isString)) return undefined;
      // A fresh object with only the known fields: nothing else from the server is kept.
      const message: BotMessage = { seq: f.seq };
      if (f.replyTo !== undefined) message.replyTo = f.replyTo;
      if (f.text !== undefined) message.text = f.text;
      if (f.data !== undefined) message.data = f.data;
      return { type: "message", message };
    }
    case "receipt":
      return isId(f.id) ? { type: "receipt", id: f.id } : undefined;
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
): string {
  const frame: Record<string, unknown> = { type: "message", id, text };
  if (data !== undefined) frame.data = data;
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
): string {
  const frame: Record<string, unknown> = { type: "hello" };
  if (token !== undefined) frame.token = token;
  if (session !== undefined) {
    frame.session = session;
    frame.lastSeq = lastSeq;
  }
  return JSON.stringify(frame);
}
