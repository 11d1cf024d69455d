/**
 * The part of a text the intent recognizer reads, and the caps that bound the cost of one
 * message whatever its size. They are far above what a question phrased for an intent needs.
 * @module
 */
import { normalizeText, stem, wordTrigrams } from "./text.js";

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

/** The words of a text as the recognizer reads them. */
export interface ParsedText {
  /** The stemmed words, at most {@link MAX_INTENT_WORDS}. */
  words: string[];
  /** The character trigrams of those words, each cut to {@link MAX_WORD_LENGTH} letters. */
  grams: string[];
}

/** Reads a text within the caps: normalised, stemmed, with its trigrams. */
export function parseText(text: string): ParsedText {
  const normal = normalizeText(text.slice(0, MAX_INTENT_CHARS));
  const plain = normal === "" ? [] : normal.split(" ", MAX_INTENT_WORDS);
  return {
    words: plain.map(stem),
    grams: wordTrigrams(plain.map((word) => word.slice(0, MAX_WORD_LENGTH))),
  };
}
