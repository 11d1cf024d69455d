/**
 * The options of `new Bot(options)`.
 * @module
 */
import type { Limits } from "../core/limits.js";
import type { Logger } from "../core/logger.js";
import type { StreamingOptions } from "../core/streaming.js";
import type { RecognizerFn } from "../router/intent/predicate.js";
import type { Broker } from "../storage/broker.js";
import type { Ledger } from "../storage/ledger.js";
import type { Store } from "../storage/store.js";

/** Options of {@link Bot}. Every one is optional. */
export interface BotOptions {
  /**
   * Where protocol state (session ids, outbox, dedup ids) is kept.
   * @default the `store`'s ledger when it provides one (`RedisStore` does), else in memory
   */
  ledger?: Ledger;
  /**
   * Carries outbox entries between the nodes of one bot, so `sendTo`, `broadcast` and
   * resume work whichever node holds a connection. Not needed for a single process.
   * Use `RedisBroker` from `botwire/redis` with a shared ledger on every node.
   */
  broker?: Broker;
  /**
   * The default store of `session()` (and other middleware that keeps state). Pass a
   * `RedisStore` to share sessions between processes.
   * @default a `MemoryStore`
   */
  store?: Store;
  /**
   * Recognises intents for `bot.intent()` instead of the built-in recognizer, e.g. an NLU
   * service: `async (text) => ({ name, score })` or `undefined` for no intent.
   * @default the built-in recognizer, trained on the examples of every `intent()`
   */
  recognizer?: RecognizerFn;
  /**
   * Lowest intent score (0–1) that counts as a match. Also applied to an external
   * `recognizer`'s scores when given.
   * @default 0.38 for the built-in recognizer; an external recognizer's answer is trusted
   */
  intentThreshold?: number;
  /**
   * Receives diagnostics: handler errors (`error`), failures the bot recovers from (`warn`),
   * refused requests and clients' bad frames (`debug`). Never tokens or message text. A
   * logger that throws is ignored. Pass pino, winston or `console` (everything), or `false`.
   * @default warnings and errors to `console.warn`/`console.error` (stderr); see `consoleLogger`
   */
  logger?: Logger | false;
  /** Protocol limits; see {@link Limits} for each default. */
  limits?: Partial<Limits>;
  /**
   * Send the thrown error's message (never its stack) in `internal` error frames.
   * For development only.
   * @default false
   */
  exposeErrors?: boolean;
  /**
   * How long one update (a message, a connect, a disconnect) may run. Past it the bot gives
   * up on it: `ctx.signal` aborts, the client gets an `internal` error, the session lock is
   * released and the connection's next message runs; whatever the handler sends or saves
   * afterwards is dropped. A handler stuck forever can then never lock a user out.
   * @default 120000 (2 minutes)
   */
  turnTimeoutMs?: number;
  /**
   * How long `stop()` waits for running handlers after aborting their `ctx.signal`; those
   * still running then are abandoned, so a stop always finishes.
   * @default 10000
   */
  stopTimeoutMs?: number;
  /**
   * How streamed replies (`ctx.replyStream`) are sent and when `typing` shows; see
   * {@link StreamingOptions} for each default.
   */
  streaming?: StreamingOptions;
}

export /** A positive duration option, or its default; a `RangeError` naming it otherwise. */
function checkMs(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(
      `new Bot(options): ${name} must be a positive number of ms, got ${String(value)}`,
    );
  }
  return value;
}
