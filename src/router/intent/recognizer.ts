/**
 * The built-in intent recognizer. For each intent it blends three signals: how much of the
 * message the intent's vocabulary explains (coverage), the TF-IDF cosine of the stemmed
 * words with the closest example (typos corrected), and the character-trigram cosine with
 * the closest example. Learns from a few examples per intent; no model, no download. The
 * cost of a message is bounded (see `query.ts`): at most its first 2048 characters and 64
 * words are read, and typos and similarities are looked up in indexes.
 * @module
 */
import type { IntentMatch } from "../../core/context.js";
import { parseText } from "./query.js";
import { STOP_WORDS } from "./text.js";
import { splitWord, TypoIndex } from "./typos.js";
import { inverseFrequencies, toVector, type Vector, VectorIndex } from "./vectors.js";

/** Options of {@link IntentRecognizer}. */
export interface IntentRecognizerOptions {
  /**
   * Lowest score (0–1) that counts as a match; below it `recognize` returns `undefined`.
   * @default 0.38
   */
  threshold?: number;
}

interface Model {
  /** The intents, each with the numbers of its examples in `words` and `grams`. */
  intents: Array<{ name: string; from: number; to: number }>;
  /** Each intent's vocabulary (weight 1 per word), by intent number: for coverage. */
  vocabularies: VectorIndex;
  /** The examples' stemmed words and character trigrams, weighted by IDF. */
  words: VectorIndex;
  grams: VectorIndex;
  wordIdf: Map<string, number>;
  gramIdf: Map<string, number>;
  maxWordIdf: number;
  maxGramIdf: number;
  /** Known content words, for typo correction. */
  typos: TypoIndex;
}

/** Weight of a stop word relative to a content word of the same rarity. */
const STOP_WEIGHT = 0.25;
/** Shares of coverage and word cosine in the score; the rest is the trigram cosine. */
const W_COVER = 0.5;
const W_WORDS = 0.25;

/** The default confidence threshold of intents. */
export const DEFAULT_INTENT_THRESHOLD = 0.38;

/**
 * Recognises intents from a handful of example phrases each. `bot.intent()` uses one for
 * you; use it directly to test or tune your examples. It reads the first 2048 characters
 * and 64 words of a text, and splits or corrects words of up to 24 letters, so one message
 * costs a few milliseconds at most whatever its content.
 *
 * @example
 * ```ts
 * const r = new IntentRecognizer();
 * r.add("hours", ["when are you open", "opening hours"]);
 * r.recognize("what are your openin hours?"); // { name: "hours", score: 0.8… }
 * ```
 */
export class IntentRecognizer {
  /** The confidence threshold in use. */
  readonly threshold: number;
  private readonly training = new Map<string, string[]>();
  private model: Model | undefined;

  /** @param options - see {@link IntentRecognizerOptions} */
  constructor(options: IntentRecognizerOptions = {}) {
    const threshold = options.threshold ?? DEFAULT_INTENT_THRESHOLD;
    if (typeof threshold !== "number" || !(threshold >= 0 && threshold <= 1)) {
      throw new RangeError(
        `intent threshold must be a number from 0 to 1, got ${String(threshold)}`,
      );
    }
    this.threshold = threshold;
  }

  /**
   * Adds examples of an intent (adding to the same name again extends it).
   * @param name - the intent name
   * @param examples - a few typical phrasings (4–6 work well)
   */
  add(name: string, examples: readonly string[]): this {
    this.training.set(name, [...(this.training.get(name) ?? []), ...examples]);
    this.model = undefined;
    return this;
  }

  /** The best intent with its score when the score reaches the threshold, else `undefined`. */
  recognize(text: string): IntentMatch | undefined {
    const best = this.rank(text)[0];
    return best !== undefined && best.score >= this.threshold ? best : undefined;
  }

  /** Every intent with its score (0–1) for `text`, best first (for tuning examples). */
  rank(text: string): IntentMatch[] {
    this.model ??= this.build();
    const model = this.model;
    const query = this.vectorize(model, text);
    // Each costs the (query term, example) pairs sharing a term, not examples × terms.
    const words = model.words.cosines(query.words);
    const grams = model.grams.cosines(query.grams);
    const known = model.vocabularies.dots(query.words);
    let total = 0;
    for (const weight of query.words.weights.values()) total += weight;
    const scores = model.intents.map(({ name, from, to }, i) => {
      let bestWords = 0;
      let bestGrams = 0;
      for (let e = from; e < to; e++) {
        bestWords = Math.max(bestWords, words[e] as number);
        bestGrams = Math.max(bestGrams, grams[e] as number);
      }
      // Coverage: the share of the query's weight made of words in the intent's vocabulary.
      const covered = total === 0 ? 0 : (known[i] as number) / total;
      const score = W_COVER * covered + W_WORDS * bestWords + (1 - W_COVER - W_WORDS) * bestGrams;
      return { name, score: Math.round(score * 1000) / 1000 };
    });
    return scores.sort((a, b) => b.score - a.score);
  }

  private build(): Model {
    const vocabularies = new Map<string, Set<string>>();
    const gramSets = new Map<string, Set<string>>();
    const parsed = new Map<string, Array<{ words: string[]; grams: string[] }>>();
    for (const [name, examples] of this.training) {
      const list = examples.map(parseText);
      parsed.set(name, list);
      vocabularies.set(name, new Set(list.flatMap((e) => e.words)));
      gramSets.set(name, new Set(list.flatMap((e) => e.grams)));
    }
    // Documents are intents, not examples: a word shared by the phrasings of one intent
    // is its signature, while a word many intents use tells them apart poorly.
    const wordIdf = inverseFrequencies([...vocabularies.values()]);
    const gramIdf = inverseFrequencies([...gramSets.values()]);
    const model: Model = {
      intents: [],
      vocabularies: new VectorIndex(),
      words: new VectorIndex(),
      grams: new VectorIndex(),
      wordIdf,
      gramIdf,
      maxWordIdf: largest(wordIdf.values()),
      maxGramIdf: largest(gramIdf.values()),
      typos: new TypoIndex([...wordIdf.keys()].filter((t) => !STOP_WORDS.has(t))),
    };
    for (const [name, list] of parsed) {
      model.vocabularies.add(toVector([...(vocabularies.get(name) ?? [])], () => 1));
      const from = model.words.size;
      for (const { words, grams } of list) {
        model.words.add(toVector(words, (t) => this.wordWeight(model, t)));
        model.grams.add(toVector(grams, (t) => gramIdf.get(t) ?? model.maxGramIdf));
      }
      model.intents.push({ name, from, to: model.words.size });
    }
    return model;
  }

  /** IDF weight; words no example uses weigh as much as the rarest known word. */
  private wordWeight(model: Model, term: string): number {
    const idf = model.wordIdf.get(term) ?? model.maxWordIdf;
    return STOP_WORDS.has(term) ? idf * STOP_WEIGHT : idf;
  }

  private vectorize(model: Model, text: string): { words: Vector; grams: Vector } {
    const parsed = parseText(text);
    const words = parsed.words.flatMap((t) =>
      model.wordIdf.has(t) || STOP_WORDS.has(t)
        ? [t]
        : (splitWord(model.wordIdf, t) ?? [model.typos.correct(t)]),
    );
    return {
      words: toVector(words, (t) => this.wordWeight(model, t)),
      grams: toVector(parsed.grams, (t) => model.gramIdf.get(t) ?? model.maxGramIdf),
    };
  }
}

/** The largest of some numbers, at least 1 (no spread: vocabularies can be large). */
function largest(values: Iterable<number>): number {
  let max = 1;
  for (const value of values) if (value > max) max = value;
  return max;
}
