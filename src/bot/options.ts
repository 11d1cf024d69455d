/**
 * The options of `new Bot(options)`.
 * @module
 */
import type { Limits } from "../core/limits.js";
import type { Logger } from "../core/logger.js";
import type { StreamingOptions } from "../core/streaming.js";
import type { Telemetry } from "../core/telemetry.js";
import type { Embeddings } from "../router/intent/embeddings.js";
import type { RecognizerFn } from "../router/intent/predicate.js";
import type { Broker } from "../storage/broker.js";
import { isLedgerFactory, type Ledger } from "../storage/ledger.js";
import { MemoryLedger } from "../storage/memory-ledger.js";
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
   * A sentence embedding model for the built-in recognizer: `{ embed(texts) }` returning one
   * vector per text, or the bundled `wordVectors()` of `botwire/word-vectors`. Intents are
   * then recognised by the hybrid of lexical and embedding scores (see `IntentRecognizer`);
   * the examples' vectors are cached in `store` (unless the model is `local`). Not with
   * `recognizer` (give that one its own embeddings).
   * @default none: the built-in recognizer is lexical
   */
  embeddings?: Embeddings;
  /**
   * Lowest intent score (0–1) that counts as a match. Also applied to an external
   * `recognizer`'s scores when given.
   * @default calibrated from the examples by the built-in recognizer (see `IntentRecognizer.calibration`); an external recognizer's answer is trusted
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
  /**
   * Where traces and metrics go: `openTelemetry()` from `botwire/otel`, or your own
   * {@link Telemetry}. Without it nothing is measured and nothing costs (one check per event).
   * See docs/observability.md.
   * @default none
   */
  telemetry?: Telemetry;
}

/** Options of `bot.stop()` (and of `handle.close()` of the transports' `serve`). */
export interface StopOptions {
  /**
   * Drain for up to this long before stopping (a rolling restart): new connections are
   * refused, each open one gets a `goaway` frame telling it to reconnect — to another node —
   * after a delay of its own, spread over the first 80% of the window, and is served until it
   * leaves. Then handlers still running may finish (up to `stopTimeoutMs`) and what is left
   * is closed with 1001. `BotClient` honours the hint; with a shared store and ledger
   * (`RedisStore`) no message is lost or handled twice across the move.
   * @default 0 (no drain: open connections are closed with 1001 at once)
   */
  drainMs?: number;
}

/** The drain window of `bot.stop(options)`: 0 (none) or a positive number of ms. */
export function resolveDrainMs(options: StopOptions): number {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("bot.stop(transport, options): options must be an object");
  }
  const { drainMs } = options;
  if (drainMs === undefined) return 0;
  if (typeof drainMs !== "number" || !Number.isFinite(drainMs) || drainMs < 0) {
    throw new RangeError(
      `bot.stop(): drainMs must be 0 or a positive number of ms, got ${String(drainMs)}`,
    );
  }
  return drainMs;
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

/** The ledger of a bot: the option, else the store's own (`RedisStore` has one), else memory. */
export function ledgerOf(ledger: Ledger | undefined, store: Store, limits: Limits): Ledger {
  if (ledger !== undefined) return ledger;
  return isLedgerFactory(store) ? store.createLedger(limits) : new MemoryLedger(limits);
}
