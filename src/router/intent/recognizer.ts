/**
 * The built-in intent recognizer. For each intent it blends three signals: how much of the
 * message the intent's vocabulary explains (coverage), the TF-IDF cosine of the stemmed
 * words with the closest example (typos corrected), and the character-trigram cosine with
 * the closest example. Learns from a few examples per intent; no model, no download.
 * @module
 */
import type { IntentMatch } from "../../core/context.js";
import { editDistance, STOP_WORDS, stem, tokenize, trigrams } from "./text.js";
import { cosine, inverseFrequencies, toVector, type Vector } from "./vectors.js";

/** Options of {@link IntentRecognizer}. */
export interface IntentRecognizerOptions {
  /**
   * Lowest score (0–1) that counts as a match; below it `recognize` returns `undefined`.
   * @default 0.38
   */
  threshold?: number;
}

interface Example {
  words: Vector;
  grams: Vector;
}

interface Model {
  intents: Map<string, Example[]>;
  vocabularies: Map<string, Set<string>>;
  wordIdf: Map<string, number>;
  gramIdf: Map<string, number>;
  maxWordIdf: number;
  maxGramIdf: number;
  /** Known content words, for typo correction. */
  known: string[];
}

/** Weight of a stop word relative to a content word of the same rarity. */
const STOP_WEIGHT = 0.25;
/** Shares of coverage and word cosine in the score; the rest is the trigram cosine. */
const W_COVER = 0.5;
const W_WORDS = 0.25;

/** The default confidence threshold of intents. */
export const DEFAULT_INTENT_THRESHOLD = 0.38;

/** Share of the query's weight made of words in `vocabulary`. */
function coverage(query: Vector, vocabulary: ReadonlySet<string>): number {
  let known = 0;
  let total = 0;
  for (const [term, weight] of query.weights) {
    total += weight;
    if (vocabulary.has(term)) known += weight;
  }
  return total === 0 ? 0 : known / total;
}

/**
 * Recognises intents from a handful of example phrases each. `bot.intent()` uses one for
 * you; use it directly to test or tune your examples.
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
    const scores: IntentMatch[] = [];
    for (const [name, examples] of model.intents) {
      let words = 0;
      let grams = 0;
      for (const example of examples) {
        words = Math.max(words, cosine(query.words, example.words));
        grams = Math.max(grams, cosine(query.grams, example.grams));
      }
      const covered = coverage(query.words, model.vocabularies.get(name) ?? new Set());
      const score = W_COVER * covered + W_WORDS * words + (1 - W_COVER - W_WORDS) * grams;
      scores.push({ name, score: Math.round(score * 1000) / 1000 });
    }
    return scores.sort((a, b) => b.score - a.score);
  }

  private build(): Model {
    const vocabularies = new Map<string, Set<string>>();
    const gramSets = new Map<string, Set<string>>();
    const parsed = new Map<string, Array<{ words: string[]; grams: string[] }>>();
    for (const [name, examples] of this.training) {
      const list = examples.map((text) => ({ words: tokenize(text), grams: trigrams(text) }));
      parsed.set(name, list);
      vocabularies.set(name, new Set(list.flatMap((e) => e.words)));
      gramSets.set(name, new Set(list.flatMap((e) => e.grams)));
    }
    // Documents are intents, not examples: a word shared by the phrasings of one intent
    // is its signature, while a word many intents use tells them apart poorly.
    const wordIdf = inverseFrequencies([...vocabularies.values()]);
    const gramIdf = inverseFrequencies([...gramSets.values()]);
    const model: Model = {
      intents: new Map(),
      vocabularies,
      wordIdf,
      gramIdf,
      maxWordIdf: Math.max(1, ...wordIdf.values()),
      maxGramIdf: Math.max(1, ...gramIdf.values()),
      known: [...wordIdf.keys()].filter((t) => !STOP_WORDS.has(t)),
    };
    for (const [name, list] of parsed) {
      model.intents.set(
        name,
        list.map(({ words, grams }) => ({
          words: toVector(words, (t) => this.wordWeight(model, t)),
          grams: toVector(grams, (t) => gramIdf.get(t) ?? model.maxGramIdf),
        })),
      );
    }
    return model;
  }

  /** IDF weight; words no example uses weigh as much as the rarest known word. */
  private wordWeight(model: Model, term: string): number {
    const idf = model.wordIdf.get(term) ?? model.maxWordIdf;
    return STOP_WORDS.has(term) ? idf * STOP_WEIGHT : idf;
  }

  private vectorize(model: Model, text: string): { words: Vector; grams: Vector } {
    const words = tokenize(text).flatMap((t) =>
      model.wordIdf.has(t) || STOP_WORDS.has(t)
        ? [t]
        : (split(model.wordIdf, t) ?? [correct(model.known, t)]),
    );
    return {
      words: toVector(words, (t) => this.wordWeight(model, t)),
      grams: toVector(trigrams(text), (t) => model.gramIdf.get(t) ?? model.maxGramIdf),
    };
  }
}

/** Maps an unknown word to the nearest known one within a small edit distance (a typo). */
function correct(known: readonly string[], word: string): string {
  if (word.length < 4) return word;
  let best = word;
  let bestDistance = (word.length >= 8 ? 2 : 1) + 1;
  for (const candidate of known) {
    const d = editDistance(word, candidate, bestDistance - 1);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Splits a run-together word into two known ones ("login" → "log", "in"), if possible. */
function split(known: ReadonlyMap<string, number>, word: string): string[] | undefined {
  for (let i = 2; i <= word.length - 2; i++) {
    const head = stem(word.slice(0, i));
    const tail = stem(word.slice(i));
    const ok = (w: string) => known.has(w) || STOP_WORDS.has(w);
    const content = (w: string) => known.has(w) && !STOP_WORDS.has(w);
    // At least one half must be a content word: "door" is not "do" + "or".
    if (ok(head) && ok(tail) && (content(head) || content(tail))) return [head, tail];
  }
  return undefined;
}
