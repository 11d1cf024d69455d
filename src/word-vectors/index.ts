/**
 * Word vectors bundled with botwire, for the intent recognizer: `new Bot({ embeddings:
 * wordVectors() })` adds knowledge of which English words are alike ("firm" and "company",
 * "snow" and "rain") to its lexical matching, with nothing to download and no service to
 * call. A sentence's vector is the sum of its words' vectors, frequent words weighing little;
 * a message costs ~10 µs. The vectors are the 20 000 most frequent English words of GloVe
 * (Public Domain Dedication and License), 64 dimensions of 8 bits: this entry adds ~1.8 MB to
 * a bundle that imports it, and its first use takes ~50 ms and ~8 MB of memory (the module's
 * text and the decoded table). English only: a message with no word of the table is
 * recognised by its words alone.
 *
 * On CLINC150 and BANKING77 with 5 examples per intent they raise the share of messages
 * recognised at a given rejection of off-topic ones (docs/intents.md has the figures). A
 * sentence-embedding model (a hosted API, a local model) also reads word order and negation:
 * pass it as `embeddings` instead when you have one.
 *
 * @example
 * ```ts
 * import { Bot } from "botwire";
 * import { wordVectors } from "botwire/word-vectors";
 *
 * const bot = new Bot({ embeddings: wordVectors() });
 * bot.intent("creator", ["who made you", "who built you", "what company created you"], (ctx) =>
 *   ctx.reply("A team of engineers at botwire."),
 * );
 * ```
 * @module botwire/word-vectors
 */
import type { Embeddings, EmbeddingVector } from "../router/intent/embeddings.js";
import { addRow, DIMENSIONS, wordTable, wordWeight } from "./table.js";

/** Options of {@link wordVectors}. */
export interface WordVectorsOptions {
  /**
   * How little frequent words weigh: a word of frequency `p` counts `a / (a + p)`. Smaller
   * values leave more of a sentence's vector to its rare words.
   * @default 0.0003
   */
  smoothing?: number;
  /**
   * Share (0–1) of the word vectors' score in the recognizer's hybrid score, unless the
   * recognizer sets its own `embeddingWeight`.
   * @default 0.3
   */
  weight?: number;
}

/** Letters, apostrophes and hyphens: a message's words, as the table spells them. */
const WORD = /[\p{L}'-]+/gu;

/** What follows an apostrophe and is no word of its own ("bank's", "we're", "I'd"). */
const CLITICS = new Set(["s", "re", "ve", "ll", "d", "m", "t"]);

/** The verb of a contraction with "n't" whose spelling changes ("won't" is "will not"). */
const NOT_VERBS = new Map([
  ["ca", "can"],
  ["wo", "will"],
  ["sha", "shall"],
  ["ai", "is"],
]);

/**
 * The words of a lower-case text as the table has them: a hyphenated word whole when the
 * table knows it ("well-known"), else its parts; "don't" as "do" and "not"; clitics dropped.
 */
function* wordsOf(text: string, known: ReadonlyMap<string, number>): Generator<string> {
  for (const token of text.match(WORD) ?? []) {
    if (known.has(token)) {
      yield token;
      continue;
    }
    for (const piece of token.split("-")) {
      if (piece.endsWith("n't")) {
        const verb = piece.slice(0, -3);
        yield NOT_VERBS.get(verb) ?? verb;
        yield "not";
        continue;
      }
      const [head = "", ...rest] = piece.split("'");
      yield head;
      for (const part of rest) if (!CLITICS.has(part)) yield part;
    }
  }
}

/**
 * The bundled word vectors as {@link Embeddings} for the intent recognizer (see the module
 * comment). `vector(text)` gives one sentence's vector synchronously.
 */
export class WordVectors implements Embeddings {
  /** Names the vectors in the keys of cached example vectors. */
  readonly id = "botwire/word-vectors@glove-20k-64";
  /** Computed in this process in microseconds: never cached in a store. */
  readonly local = true;
  /** Share of the hybrid score (see {@link WordVectorsOptions.weight}). */
  readonly weight: number;
  /** Dimensions of a vector. */
  readonly dimensions = DIMENSIONS;
  private readonly smoothing: number;

  /** @param options - see {@link WordVectorsOptions} */
  constructor(options: WordVectorsOptions = {}) {
    const { smoothing = 0.0003, weight = 0.3 } = options;
    if (typeof smoothing !== "number" || !(smoothing > 0 && smoothing <= 1)) {
      throw new RangeError(
        `wordVectors smoothing must be a number in (0, 1], got ${String(smoothing)}`,
      );
    }
    if (typeof weight !== "number" || !(weight >= 0 && weight <= 1)) {
      throw new RangeError(
        `wordVectors weight must be a number from 0 to 1, got ${String(weight)}`,
      );
    }
    this.smoothing = smoothing;
    this.weight = weight;
  }

  /** Whether the table has `word` (lower case). */
  has(word: string): boolean {
    return wordTable().index.has(word);
  }

  /**
   * The vector of `text`: the sum of its known words' vectors, each weighted by how rare the
   * word is (its direction is what counts). All zeros when no word is known (the recognizer
   * then uses the words alone).
   */
  vector(text: string): Float32Array {
    const { rows, index } = wordTable();
    const out = new Float32Array(DIMENSIONS);
    for (const word of wordsOf(text.toLowerCase().replaceAll("\u2019", "'"), index)) {
      const row = index.get(word);
      if (row !== undefined) addRow(out, rows, row, wordWeight(row, this.smoothing));
    }
    return out;
  }

  /** The vectors of `texts`, for the recognizer. */
  embed(texts: string[]): Promise<readonly EmbeddingVector[]> {
    return Promise.resolve(texts.map((text) => this.vector(text)));
  }
}

/** The bundled word vectors for `new Bot({ embeddings })` (see {@link WordVectors}). */
export function wordVectors(options?: WordVectorsOptions): WordVectors {
  return new WordVectors(options);
}
