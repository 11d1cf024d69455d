/**
 * The types of streamed replies, activities and edits (DESIGN §7), and the bot's streaming
 * options with their defaults.
 * @module
 */
import type { StreamEnd } from "../protocol/frames.js";

/** The final message of a streamed reply, as `ctx.replyStream` resolves with it. */
export interface StreamedMessage {
  /** The final message's seq (pass it, or this object, to `ctx.edit` / `ctx.retract`). */
  readonly seq: number;
  /** The stream id. */
  readonly stream: string;
  /** The whole text (up to where it stopped, for a stream that did not end `done`). */
  readonly text: string;
  /** How the stream ended. */
  readonly end: StreamEnd;
  /** The client message it answers. */
  readonly replyTo?: string;
  /** The `data` given to `replyStream`. */
  readonly data?: unknown;
}

/** Options of `ctx.replyStream`. */
export interface ReplyStreamOptions {
  /** A structured payload sent with the final message. */
  data?: unknown;
}

/** Options of `ctx.activity`. */
export interface ActivityOptions {
  /** A short text for the indicator (e.g. the tool's name); at most 200 characters. */
  label?: string;
  /**
   * How long a client shows it at most; sending it again renews it. At most 60 000.
   * @default 5000
   */
  ttlMs?: number;
}

/** A message of this session, for `ctx.edit` / `ctx.retract`: its seq, or an object with it. */
export type MessageRef =
  | number
  | {
      /** The message's seq. */
      readonly seq: number;
    };

/** How a bot streams replies and shows activity (`new Bot({ streaming })`). */
export interface StreamingOptions {
  /**
   * Deltas are coalesced: at most one frame per stream per interval carries what the source
   * produced meanwhile (the first piece goes out at once).
   * @default 50
   */
  deltaIntervalMs?: number;
  /** Longest text of one delta frame; a longer piece is split. @default 16384 */
  maxDeltaChars?: number;
  /**
   * Longest whole text of a streamed reply. A source that goes past it is stopped and the
   * stream ends `failed` with the text up to the limit.
   * @default 262144
   */
  maxStreamChars?: number;
  /**
   * A handler still running this long after its turn started (a message waiting behind
   * another of its session starts when that one ends) shows `typing` to the
   * session's clients (renewed while it runs, `idle` when it ends). `0` turns it off.
   * @default 600
   */
  typingDelayMs?: number;
  /** The `ttlMs` of automatic `typing` activities; renewed at two thirds of it. @default 5000 */
  typingTtlMs?: number;
  /**
   * After a `cancel`, how long a handler that ignores `ctx.signal` may go on before the bot
   * gives up on it (as for `turnTimeoutMs`, but without an error to the client).
   * @default 5000
   */
  cancelGraceMs?: number;
  /**
   * With a broker (many nodes): how often an open stream's text is written to the store even
   * when nothing new came, so another node can tell a live stream from one whose node died.
   * A stream not written for three times this long is closed `interrupted` by a resuming node.
   * @default 2000
   */
  heartbeatMs?: number;
}

/** {@link StreamingOptions} with every default applied. */
export type ResolvedStreaming = Required<StreamingOptions>;

/** The defaults of {@link StreamingOptions}. */
export const DEFAULT_STREAMING: Readonly<ResolvedStreaming> = Object.freeze({
  deltaIntervalMs: 50,
  maxDeltaChars: 16_384,
  maxStreamChars: 262_144,
  typingDelayMs: 600,
  typingTtlMs: 5000,
  cancelGraceMs: 5000,
  heartbeatMs: 2000,
});

/** Applies defaults and checks each value (a `RangeError` naming a bad one). */
export function resolveStreaming(options: StreamingOptions | undefined): ResolvedStreaming {
  const out: ResolvedStreaming = { ...DEFAULT_STREAMING };
  for (const [name, value] of Object.entries(options ?? {})) {
    if (!(name in DEFAULT_STREAMING)) {
      throw new RangeError(`new Bot(options): unknown streaming option "${name}"`);
    }
    if (value === undefined) continue;
    const zeroOk = name === "typingDelayMs";
    if (
      typeof value !== "number" ||
      !Number.isFinite(value) ||
      value < 0 ||
      (!zeroOk && value === 0)
    ) {
      throw new RangeError(
        `new Bot(options): streaming.${name} must be a ${zeroOk ? "non-negative" : "positive"} number, got ${String(value)}`,
      );
    }
    out[name as keyof ResolvedStreaming] = value;
  }
  return out;
}

/** @internal Reads the seq out of a {@link MessageRef}; a `TypeError` for anything else. */
export function seqOf(ref: MessageRef, method: string): number {
  const seq = typeof ref === "number" ? ref : (ref as { seq?: unknown } | null)?.seq;
  if (typeof seq !== "number" || !Number.isSafeInteger(seq) || seq < 1) {
    throw new TypeError(`ctx.${method}(message): pass a message's seq or the sent message`);
  }
  return seq;
}
