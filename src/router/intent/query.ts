/**
 * The part of a text the intent recognizer reads, and the caps that bound the cost of one
 * message whatever its size. They are far above what a question phrased for an intent needs.
 * @module
 */
import { applyLexicon, SYNONYMS } from "./lexicon.js";
import { markNegation, NEGATED, normalizeText, segmentWords, stem, wordTrigrams } from "./text.js";

/** Most characters of a text the recognizer reads (the first ones). */
export const MAX_INTENT_CHARS = 2048;

/** Most words of a text the recognizer reads (the first ones). */
export const MAX_INTENT_WORDS = 64;

/**
 * Longest word (in UTF-16 code units) the recognizer splits or corrects, and the most
 * letters of a word that make its character trigrams. Real words are shorter; the cost of
 * splitting and correcting grows with the square of the length (an 8192-letter word used
 * to cost ~100 ms).
 */
export const MAX_WORD_LENGTH = 24;

let synonyms: Map<string, string> | undefined;

/** The stem of a word's synonym group (see `SYNONYMS`), or its own stem. */
export function canonicalStem(word: string): string {
  if (synonyms === undefined) {
    synonyms = new Map();
    for (const group of SYNONYMS) {
      const [head, ...rest] = group.split(" ").map(stem);
      for (const w of rest) if (head !== undefined) synonyms.set(w, head);
    }
  }
  const s = stem(word);
  return synonyms.get(s) ?? s;
}

/** The words of a text as the recognizer reads them. */
export interface ParsedText {
  /** The words as written (normalised, read through the lexicon), not stemmed. */
  plain: string[];
  /**
   * The words, read through the lexicon, stemmed and negation marked (`~refund`), at most
   * {@link MAX_INTENT_WORDS}.
   */
  words: string[];
  /**
   * The character trigrams of the words, each cut to {@link MAX_WORD_LENGTH} letters;
   * those of negated words are marked as the words are (`~ref`).
   */
  grams: string[];
}

/** Reads a text within the caps: normalised, segmented, stemmed, with its trigrams. */
export function parseText(text: string): ParsedText {
  const plain = applyLexicon(
    segmentWords(normalizeText(text.slice(0, MAX_INTENT_CHARS)), MAX_INTENT_WORDS),
  ).slice(0, MAX_INTENT_WORDS);
  const words = markNegation(plain.map(canonicalStem));
  // A negated word's trigrams are marked too: "not refund" shares none with "refund".
  const grams = plain.flatMap((word, i) => {
    const own = wordTrigrams([word.slice(0, MAX_WORD_LENGTH)]);
    return words[i]?.startsWith(NEGATED) ? own.map((g) => NEGATED + g) : own;
  });
  return { plain, words, grams };
}
