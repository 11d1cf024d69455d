/**
 * The model the built-in recognizer learns from the examples: indexes of the examples'
 * words and character trigrams, each intent's centroid and vocabulary, IDF weights over the
 * intents and the background of everyday chat, and the known words for typo correction.
 * @module
 */
import { BACKGROUND } from "./background.js";
import { canonicalStem, parseText } from "./query.js";
import { NEGATED, STOP_WORDS } from "./text.js";
import { splitWord, TypoIndex } from "./typos.js";
import { inverseFrequencies, sum, toVector, unit, type Vector, VectorIndex } from "./vectors.js";

/** The weights of the signals of a score (see docs/intents.md). */
export const TUNING = {
  /** Share of the query's weight explained by the intent's vocabulary. */
  cover: 0.35,
  /** Word and trigram cosine with the closest example. */
  exampleWords: 0.15,
  exampleGrams: 0.15,
  /** Word and trigram cosine with the intent's centroid. */
  centroidWords: 0.2,
  centroidGrams: 0.15,
  /**
   * Weight of a stop word relative to a content word of the same rarity, in the cosines:
   * "who", "you" and "how" help tell intents apart ("who made you", "how are you").
   */
  stopWeight: 0.5,
  /** The same, in coverage: "how do I" alone explains little of a message. */
  coverStopWeight: 0.25,
  /** How much a message's closeness to the background lowers every intent's score. */
  background: 1,
  /** Weight of a word nobody uses, relative to the rarest known word. */
  unknown: 1,
  /** Number of documents the background counts as in IDF. */
  backgroundDocuments: 30,
};

/** One example as the model holds it. */
export interface ModelExample {
  /** The number of its intent in `Model.names`. */
  intent: number;
  /** Its stemmed words and its character trigrams, weighted by IDF. */
  words: Vector;
  grams: Vector;
}

/** What the recognizer learned; see the module comment. */
export interface Model {
  /** Intent names; the background, when there is one, is the last one. */
  names: string[];
  /** The background's number in `names`, or -1. */
  background: number;
  /** Each intent's examples: numbers `from` to `to` (exclusive) in `examples`. */
  ranges: Array<{ from: number; to: number }>;
  /** Every example (the background's last), by number. */
  examples: ModelExample[];
  /** The text of each example, by number (the background's too). */
  texts: string[];
  /** Per intent: term → the number of its examples that have it. */
  counts: Array<Map<string, number>>;
  /** Per intent, its vocabulary (weight 1 per term): for coverage. */
  vocabularies: VectorIndex;
  /** The examples' word and trigram vectors, by example number. */
  words: VectorIndex;
  grams: VectorIndex;
  /** Per intent, the sums of its examples' unit vectors. */
  centroidWords: VectorIndex;
  centroidGrams: VectorIndex;
  /** IDF of words and trigrams over the intents and the background, and their largest. */
  wordIdf: Map<string, number>;
  gramIdf: Map<string, number>;
  maxWordIdf: number;
  maxGramIdf: number;
  /** Known words as written → their stem, and an index of them for typo correction. */
  surface: Map<string, string>;
  typos: TypoIndex;
  /** Normalised examples → intent number: an example itself scores 1. */
  exact: Map<string, number>;
}

/** IDF weight of a term; unknown terms weigh as much as the rarest known one. */
export function wordWeight(model: Pick<Model, "wordIdf" | "maxWordIdf">, term: string): number {
  const idf = model.wordIdf.get(term) ?? model.maxWordIdf * TUNING.unknown;
  return STOP_WORDS.has(term) ? idf * TUNING.stopWeight : idf;
}

/** A text's word and trigram vectors; unknown words are split or corrected first. */
export function vectorize(
  model: Model,
  text: string,
): { words: Vector; grams: Vector; key: string } {
  const parsed = parseText(text);
  const words = parsed.words.flatMap((term, i) => {
    if (model.wordIdf.has(term) || STOP_WORDS.has(term)) return [term];
    const negated = term.startsWith(NEGATED);
    const base = negated ? term.slice(1) : term;
    const plain = parsed.plain[i] ?? base;
    const fixed = model.wordIdf.has(base)
      ? [base]
      : (splitWord(model.wordIdf, plain) ?? [
          model.surface.get(model.typos.correct(plain)) ?? base,
        ]);
    return negated ? fixed.map((t, k) => (k === 0 ? NEGATED + t : t)) : fixed;
  });
  return {
    words: toVector(words, (t) => wordWeight(model, t)),
    grams: toVector(parsed.grams, (t) => model.gramIdf.get(t) ?? model.maxGramIdf),
    key: parsed.words.join(" "),
  };
}

/** Builds the model of some intents' examples, with the background as a last intent. */
export function buildModel(training: ReadonlyMap<string, readonly string[]>): Model {
  const intents = [...training].map(([name, examples]) => ({
    name,
    parsed: examples.map(parseText),
    texts: examples,
  }));
  const background = { name: "", parsed: BACKGROUND.map(parseText), texts: BACKGROUND };
  const all = [...intents, background];
  // Documents are intents, not examples: a word shared by the phrasings of one intent is its
  // signature; the background counts as several documents, so everyday words weigh less.
  const vocab = (list: Array<{ words: string[] }>) => new Set(list.flatMap((e) => e.words));
  const gramSet = (list: Array<{ grams: string[] }>) => new Set(list.flatMap((e) => e.grams));
  const bgDocs = Array.from({ length: TUNING.backgroundDocuments }, (_, d) =>
    background.parsed.filter((_, i) => i % TUNING.backgroundDocuments === d),
  );
  const wordIdf = inverseFrequencies([
    ...intents.map((i) => vocab(i.parsed)),
    ...bgDocs.map(vocab),
  ]);
  const gramIdf = inverseFrequencies([
    ...intents.map((i) => gramSet(i.parsed)),
    ...bgDocs.map(gramSet),
  ]);
  // Only the intents' words are known to typo correction: a typo is of the bot's words.
  const surface = new Map<string, string>();
  for (const { parsed } of intents) {
    for (const p of parsed) {
      p.plain.forEach((w) => {
        const s = canonicalStem(w);
        if (!STOP_WORDS.has(s) && !surface.has(w)) surface.set(w, s);
      });
    }
  }
  const model: Model = {
    names: all.map((i) => i.name),
    background: intents.length,
    ranges: [],
    examples: [],
    texts: [],
    counts: [],
    vocabularies: new VectorIndex(),
    words: new VectorIndex(),
    grams: new VectorIndex(),
    centroidWords: new VectorIndex(),
    centroidGrams: new VectorIndex(),
    wordIdf,
    gramIdf,
    maxWordIdf: largest(wordIdf.values()),
    maxGramIdf: largest(gramIdf.values()),
    surface,
    typos: new TypoIndex([...surface.keys()]),
    exact: new Map(),
  };
  all.forEach(({ parsed, texts }, intent) => {
    model.texts.push(...texts);
    const counts = new Map<string, number>();
    const from = model.examples.length;
    for (const p of parsed) {
      // An example about a negated word is about the word: "can't log in" knows "login".
      const terms = p.words.flatMap((t) => (t.startsWith(NEGATED) ? [t, t.slice(1)] : [t]));
      for (const t of new Set(terms)) counts.set(t, (counts.get(t) ?? 0) + 1);
      const example: ModelExample = {
        intent,
        words: toVector(p.words, (t) => wordWeight(model, t)),
        grams: toVector(p.grams, (t) => gramIdf.get(t) ?? model.maxGramIdf),
      };
      model.examples.push(example);
      model.words.add(example.words);
      model.grams.add(example.grams);
      const key = p.words.join(" ");
      if (intent !== model.background && key !== "" && !model.exact.has(key)) {
        model.exact.set(key, intent);
      }
    }
    const mine = model.examples.slice(from);
    model.counts.push(counts);
    model.vocabularies.add(toVector([...counts.keys()], () => 1));
    model.centroidWords.add(sum(mine.map((e) => unit(e.words))));
    model.centroidGrams.add(sum(mine.map((e) => unit(e.grams))));
    model.ranges.push({ from, to: model.examples.length });
  });
  return model;
}

/** The largest of some numbers, at least 1 (no spread: vocabularies can be large). */
function largest(values: Iterable<number>): number {
  let max = 1;
  for (const value of values) if (value > max) max = value;
  return max;
}
