/**
 * The built-in intent recognizer. For each intent it blends how much of the message the
 * intent's vocabulary explains (coverage) with the message's similarity to the intent's
 * closest example and to its centroid (stemmed words and character trigrams), and subtracts
 * its similarity to a background of everyday chat. The threshold is calibrated per bot from
 * its own examples (leave-one-out) unless set. No model, no download. The cost of a message
 * is bounded (see `query.ts`): at most its first 2048 characters and 64 words are read, and
 * typos and similarities are looked up in indexes.
 * @module
 */
import type { IntentMatch } from "../../core/context.js";
import type { Store } from "../../storage/store.js";
import { calibrate, type IntentCalibration } from "./calibrate.js";
import {
  assertEmbeddings,
  type Embeddings,
  EmbeddingsContractError,
  isZero,
} from "./embeddings.js";
import { blend, EmbeddingScorer, embedQuery } from "./hybrid.js";
import { buildModel, type Model, vectorize } from "./model.js";
import { MAX_INTENT_CHARS } from "./query.js";
import { finalScores, rawScores } from "./score.js";

/** Options of {@link IntentRecognizer}. */
export interface IntentRecognizerOptions {
  /**
   * Lowest score (0–1) that counts as a match; below it `recognize` returns `undefined`.
   * @default calibrated from the examples (see {@link IntentRecognizer.calibration})
   */
  threshold?: number;
  /**
   * A sentence embedding model: `recognizeAsync` and `rankAsync` then blend its similarity
   * with the lexical score. The sync methods stay lexical.
   */
  embeddings?: Embeddings;
  /** Where the examples' vectors are cached, shared by every node (e.g. a `RedisStore`). */
  store?: Store;
  /**
   * Share (0–1) of the embedding score in the hybrid score.
   * @default the model's `weight`, else 0.6
   */
  embeddingWeight?: number;
  /**
   * Called when `embed` fails, for a message or for the examples (embedded again after a
   * back-off of 1 s, doubling up to a minute); the message is then recognised lexically.
   * An embedder that breaks its contract (not one vector per text) is an error instead.
   */
  onEmbeddingError?: (error: unknown) => void;
}

export { DEFAULT_INTENT_THRESHOLD } from "./calibrate.js";

/** The examples of one intent, as `bot.intent()` registers them. */
export interface LearnedIntent {
  /** The intent name. */
  name: string;
  /** Its example phrasings. */
  examples: readonly string[];
}

/**
 * A recognizer function that also learns the bot's intents: `new Bot({ recognizer })` calls
 * `learn` with the examples of every `bot.intent()` before the first message.
 */
export type LearningRecognizer = ((text: string) => Promise<IntentMatch | undefined>) & {
  /** Adds the examples of intents. */
  learn(intents: readonly LearnedIntent[]): void;
};

/**
 * Recognises intents from a handful of example phrases each. `bot.intent()` uses one for
 * you; use it directly to test or tune your examples. It reads the first 2048 characters
 * and 64 words of a text, and splits or corrects words of up to 24 letters, so one message
 * costs a fraction of a millisecond to a few milliseconds whatever its content.
 *
 * @example
 * ```ts
 * const r = new IntentRecognizer();
 * r.add("hours", ["when are you open", "opening hours"]);
 * r.recognize("what are your openin hours?"); // { name: "hours", score: 0.859 }
 * r.calibration; // { threshold: 0.559, source: "calibrated", examplesRecognised: 0.5, backgroundRejected: 1 }
 * ```
 */
export class IntentRecognizer {
  private readonly fixed: number | undefined;
  private readonly options: IntentRecognizerOptions;
  private readonly training = new Map<string, string[]>();
  private model: Model | undefined;
  private calibrated: IntentCalibration | undefined;
  private hybrid: Promise<{ scorer: EmbeddingScorer; calibration: IntentCalibration }> | undefined;
  /** Failures to embed the examples in a row, and when to try again. */
  private failures = 0;
  private retryAt = 0;

  /** @param options - see {@link IntentRecognizerOptions} */
  constructor(options: IntentRecognizerOptions = {}) {
    const { threshold, embeddings } = options;
    for (const [name, value] of [
      ["threshold", threshold],
      ["embeddingWeight", options.embeddingWeight],
    ] as const) {
      if (value !== undefined && (typeof value !== "number" || !(value >= 0 && value <= 1))) {
        throw new RangeError(`intent ${name} must be a number from 0 to 1, got ${String(value)}`);
      }
    }
    if (embeddings !== undefined) assertEmbeddings(embeddings, "new IntentRecognizer(options)");
    // The recognizer's own weight, else the model's (checked above), else 0.6.
    const embeddingWeight = options.embeddingWeight ?? embeddings?.weight ?? 0.6;
    this.fixed = threshold;
    this.options = { ...options, embeddingWeight };
  }

  /**
   * This recognizer as the `recognizer` option of `new Bot()`: it learns the examples of
   * every `bot.intent()` and recognises with {@link recognizeAsync} (embeddings included).
   * @example
   * ```ts
   * const intents = new IntentRecognizer({ embeddings, store });
   * const bot = new Bot({ recognizer: intents.recognizer });
   * bot.intent("hours", ["when are you open", "opening hours"], (ctx) => ctx.reply("9–5"));
   * ```
   */
  get recognizer(): LearningRecognizer {
    const fn = (text: string) => this.recognizeAsync(text);
    return Object.assign(fn, {
      // Idempotent: an intent's examples are replaced by the bot's (a bot learns once).
      learn: (intents: readonly LearnedIntent[]) => {
        const merged = new Map<string, string[]>();
        for (const { name, examples } of intents) {
          merged.set(name, [...(merged.get(name) ?? []), ...examples]);
        }
        for (const [name, examples] of merged) this.training.set(name, examples);
        this.reset();
      },
    });
  }

  /** The confidence threshold in use: the option, or the one calibrated from the examples. */
  get threshold(): number {
    return this.calibration.threshold;
  }

  /**
   * How the threshold was chosen and what it keeps: the share of the examples recognised
   * when each is left out of the model, and the share of everyday chat rejected. Computed
   * once, with the model, on first use. (With embeddings, see {@link calibrationAsync}.)
   */
  get calibration(): IntentCalibration {
    this.calibrated ??= calibrate(this.current(), this.fixed);
    return this.calibrated;
  }

  /**
   * Adds examples of an intent (adding to the same name again extends it).
   * @param name - the intent name
   * @param examples - a few typical phrasings (4–6 work well; 10 work better)
   */
  add(name: string, examples: readonly string[]): this {
    this.training.set(name, [...(this.training.get(name) ?? []), ...examples]);
    this.reset();
    return this;
  }

  /** Forgets the model built from the examples (rebuilt on next use). */
  private reset(): void {
    this.model = undefined;
    this.calibrated = undefined;
    this.hybrid = undefined;
  }

  /** The best intent with its score when the score reaches the threshold, else `undefined`. */
  recognize(text: string): IntentMatch | undefined {
    const best = this.rank(text)[0];
    return best !== undefined && best.score >= this.threshold ? best : undefined;
  }

  /** Every intent with its score (0–1) for `text`, best first (for tuning examples). */
  rank(text: string): IntentMatch[] {
    const model = this.current();
    return ranked(model, this.lexical(model, text));
  }

  /**
   * Like {@link recognize}, with the embeddings when the recognizer has them: the examples
   * are embedded (or read from the store) on first use, each message once. When `embed`
   * fails, for the examples or for the message, the message is recognised lexically (see
   * {@link IntentRecognizerOptions.onEmbeddingError}).
   */
  async recognizeAsync(text: string): Promise<IntentMatch | undefined> {
    const { ranking, threshold } = await this.hybridRank(text);
    const best = ranking[0];
    return best !== undefined && best.score >= threshold ? best : undefined;
  }

  /** Like {@link rank}, with the embeddings when the recognizer has them. */
  async rankAsync(text: string): Promise<IntentMatch[]> {
    return (await this.hybridRank(text)).ranking;
  }

  /**
   * The calibration in use: the hybrid score's (the lexical one without embeddings, or
   * while the examples wait to be embedded again). Rejects when embedding them fails.
   */
  async calibrationAsync(): Promise<IntentCalibration> {
    const hybrid = this.hybridModel();
    return hybrid === undefined ? this.calibration : (await hybrid).calibration;
  }

  private async hybridRank(text: string): Promise<{ ranking: IntentMatch[]; threshold: number }> {
    const { embeddings, embeddingWeight = 0.6, onEmbeddingError } = this.options;
    const hybrid = this.hybridModel();
    if (embeddings === undefined || hybrid === undefined) {
      return { ranking: this.rank(text), threshold: this.threshold };
    }
    const model = this.current();
    let query: Float32Array;
    let ready: Awaited<typeof hybrid>;
    try {
      // The examples' vectors (embedded again after a back-off if that failed), the message's.
      ready = await hybrid;
      query = await embedQuery(embeddings, text.slice(0, MAX_INTENT_CHARS));
    } catch (error) {
      if (error instanceof EmbeddingsContractError) throw error; // a broken embedder: a bug
      onEmbeddingError?.(error);
      return { ranking: this.rank(text), threshold: this.threshold };
    }
    const { scorer, calibration } = ready;
    // No word the model knows (e.g. word vectors and another language): the words alone.
    if (isZero(query)) return { ranking: this.rank(text), threshold: this.threshold };
    const lexical = this.lexical(model, text);
    const scores = blend(lexical, scorer.scores(query), embeddingWeight);
    lexical.forEach((score, i) => {
      if (score === 1) scores[i] = 1; // an example itself
    });
    return { ranking: ranked(model, scores), threshold: calibration.threshold };
  }

  private hybridModel() {
    const { embeddings, store, embeddingWeight = 0.6 } = this.options;
    if (embeddings === undefined) return undefined;
    if (this.hybrid !== undefined) return this.hybrid;
    // After a failure the examples are embedded again once a back-off has passed (1 s,
    // doubling up to a minute); meanwhile messages are recognised by their words alone.
    if (Date.now() < this.retryAt) return undefined;
    const model = this.current();
    const hybrid = EmbeddingScorer.create(model, embeddings, store).then((scorer) => ({
      scorer,
      calibration: calibrate(model, this.fixed, scorer.calibrationScorer(embeddingWeight)),
    }));
    this.hybrid = hybrid;
    hybrid.then(
      () => {
        if (this.hybrid === hybrid) this.failures = 0;
      },
      (error: unknown) => {
        // A broken embedder stays broken until the examples change (`reset()`): every
        // message gets its error, without the examples being sent to it again.
        if (this.hybrid !== hybrid || error instanceof EmbeddingsContractError) return;
        this.hybrid = undefined;
        this.retryAt = Date.now() + Math.min(60_000, 1000 * 2 ** this.failures++);
      },
    );
    return hybrid;
  }

  private lexical(model: Model, text: string): Float64Array {
    const query = vectorize(model, text);
    const scores = finalScores(model, rawScores(model, query));
    // An example itself is recognised with certainty.
    const exact = model.exact.get(query.key);
    if (exact !== undefined) scores[exact] = 1;
    return scores;
  }

  private current(): Model {
    this.model ??= buildModel(this.training);
    return this.model;
  }
}

/** Scores as matches, best first, rounded to 3 decimals. */
function ranked(model: Model, scores: Float64Array): IntentMatch[] {
  return [...scores]
    .map((score, i) => ({ name: model.names[i] as string, score: Math.round(score * 1000) / 1000 }))
    .sort((a, b) => b.score - a.score);
}
