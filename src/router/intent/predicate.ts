/**
 * Intent routing: the predicate behind `bot.intent()`, and the per-bot setup that tells
 * each context how to recognise its text (once per message, however many intents listen).
 * @module
 */
import type { MiddlewareFn } from "../../core/compose.js";
import type { Context, IntentMatch } from "../../core/context.js";
import type { Store } from "../../storage/store.js";
import type { MaybePromise } from "../../util/types.js";
import { assertEmbeddings, type Embeddings } from "./embeddings.js";
import { IntentRecognizer } from "./recognizer.js";

/** An external recognizer (an NLU service, a model): the best intent for a text, or none. */
export type RecognizerFn = (text: string) => MaybePromise<IntentMatch | undefined>;

/** The examples of one `intent()` registration. */
export interface IntentExamples {
  /** The intent name. */
  name: string;
  /** Its example phrasings. */
  examples: readonly string[];
}

type Resolve = (text: string) => Promise<IntentMatch | undefined>;

const resolvers = new WeakMap<object, Resolve>();
const results = new WeakMap<object, Promise<IntentMatch | undefined>>();

/** Checks the arguments of `intent(name, examples)` at registration. */
export function checkIntent(name: unknown, examples: unknown): IntentExamples {
  if (typeof name !== "string" || name.trim() === "") {
    throw new TypeError("intent(name, examples): name must be a non-empty string");
  }
  if (
    !Array.isArray(examples) ||
    examples.length === 0 ||
    !examples.every((e) => typeof e === "string" && e.trim() !== "")
  ) {
    throw new TypeError(
      `intent('${name}', examples): examples must be a non-empty array of phrases, e.g. ["when are you open", "opening hours"]`,
    );
  }
  return { name, examples: [...(examples as string[])] };
}

/** Recognises the text of `ctx` once; later calls for the same context reuse the result. */
function recognizeOnce(ctx: Context, text: string): Promise<IntentMatch | undefined> {
  let result = results.get(ctx);
  if (result === undefined) {
    const resolve = resolvers.get(ctx);
    if (resolve === undefined) {
      throw new Error("intent(): this context has no recognizer; intents work inside a Bot");
    }
    result = resolve(text);
    results.set(ctx, result);
  }
  return result;
}

/**
 * True for a message recognised as one of the given intents; sets `ctx.intent`.
 * The text is recognised once per message, whichever intent handlers ask.
 * @param names - one intent name or several
 */
export function isIntent(names: string | readonly string[]): (ctx: Context) => Promise<boolean> {
  const set = new Set(typeof names === "string" ? [names] : names);
  return async (ctx) => {
    const text = ctx.text;
    if (ctx.update !== "message" || text === undefined || text.trim() === "") return false;
    const match = await recognizeOnce(ctx, text);
    if (match === undefined || !set.has(match.name)) return false;
    ctx.intent = match;
    return true;
  };
}

/** How a bot recognises intents; see `BotOptions.recognizer` and `intentThreshold`. */
export interface IntentSetup {
  /** Replaces the built-in recognizer. */
  recognizer: RecognizerFn | undefined;
  /** Lowest accepted score; `undefined` keeps the built-in default and trusts an external recognizer. */
  threshold: number | undefined;
  /** Embeddings of the built-in recognizer (the hybrid score), and where it caches vectors. */
  embeddings?: {
    embeddings: Embeddings;
    store: Store | undefined;
    onEmbeddingError: ((error: unknown) => void) | undefined;
  };
}

/**
 * Checks the intent options of a bot and returns its {@link IntentSetup}.
 * @param where - the call that got the options, for error messages
 * @param hybrid - the bot's `embeddings` option, its store (where vectors are cached) and what
 *   to call when `embed` fails for a message
 */
export function intentSetup(
  recognizer: unknown,
  threshold: unknown,
  where: string,
  hybrid: { embeddings?: unknown; store?: Store; onEmbeddingError?: (error: unknown) => void } = {},
): IntentSetup {
  if (recognizer !== undefined && typeof recognizer !== "function") {
    throw new TypeError(`${where}: recognizer must be a function (text) => { name, score }`);
  }
  const { embeddings, store, onEmbeddingError } = hybrid;
  if (embeddings !== undefined) {
    assertEmbeddings(embeddings, where);
    if (recognizer !== undefined) {
      throw new TypeError(
        `${where}: embeddings are for the built-in recognizer; with recognizer, give them to it (new IntentRecognizer({ embeddings }))`,
      );
    }
  }
  if (
    threshold !== undefined &&
    !(typeof threshold === "number" && threshold >= 0 && threshold <= 1)
  ) {
    throw new RangeError(`${where}: intentThreshold must be from 0 to 1, got ${String(threshold)}`);
  }
  return {
    recognizer: recognizer as RecognizerFn | undefined,
    threshold: threshold as number | undefined,
    ...(embeddings === undefined
      ? {}
      : { embeddings: { embeddings: embeddings as Embeddings, store, onEmbeddingError } }),
  };
}

/**
 * Wraps a bot's composed middleware so each context can recognise intents. The built-in
 * recognizer learns the examples of every `intent()` in the tree. Returns `handler` as it
 * is when the bot has no intents and no external recognizer.
 */
export function withIntents<C extends Context>(
  registrations: readonly IntentExamples[],
  setup: IntentSetup,
  handler: MiddlewareFn<C>,
): MiddlewareFn<C> {
  if (registrations.length === 0 && setup.recognizer === undefined) return handler;
  const threshold = setup.threshold;
  let recognize: RecognizerFn;
  if (setup.recognizer !== undefined) {
    recognize = setup.recognizer;
    // `IntentRecognizer.recognizer` learns the examples of the bot's intents.
    const learn = (setup.recognizer as { learn?: unknown }).learn;
    if (typeof learn === "function") learn.call(setup.recognizer, registrations);
  } else {
    const builtin = new IntentRecognizer({
      ...(threshold === undefined ? {} : { threshold }),
      ...(setup.embeddings?.store === undefined ? {} : { store: setup.embeddings.store }),
      ...(setup.embeddings === undefined ? {} : { embeddings: setup.embeddings.embeddings }),
      ...(setup.embeddings?.onEmbeddingError === undefined
        ? {}
        : { onEmbeddingError: setup.embeddings.onEmbeddingError }),
    });
    for (const { name, examples } of registrations) builtin.add(name, examples);
    // With embeddings, the hybrid score (a message whose `embed` fails is read lexically).
    recognize =
      setup.embeddings === undefined
        ? (text) => builtin.recognize(text)
        : (text) => builtin.recognizeAsync(text);
  }
  const resolve: Resolve = async (text) => {
    const match = await recognize(text);
    if (match === undefined || match === null) return undefined;
    if (typeof match.name !== "string" || typeof match.score !== "number") {
      throw new TypeError("recognizer must return { name: string, score: number } or undefined");
    }
    return threshold !== undefined && match.score < threshold ? undefined : match;
  };
  return (ctx, next) => {
    resolvers.set(ctx, resolve);
    return handler(ctx, next);
  };
}
