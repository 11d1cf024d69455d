/**
 * Text processing for the built-in intent recognizer: normalisation, word segmentation
 * (`Intl.Segmenter` for scripts written without spaces), the Snowball stemmers for English
 * and Russian, stop words, negation and edit distance. No model, no download.
 * @module
 */
import { applyLexicon } from "./lexicon.js";
import { stemEnglish } from "./stem-en.js";
import { stemRussian } from "./stem-ru.js";

const CONTRACTIONS: ReadonlyArray<[RegExp, string]> = [
  [/\bcan['’]t\b/g, "can not"],
  [/\bwon['’]t\b/g, "will not"],
  [/n['’]t\b/g, " not"],
  // Typed without the apostrophe: "dont", "hasnt", "cant".
  [/\b(do|does|did|is|are|was|were|has|have|had|could|would|should)nt\b/g, "$1 not"],
  [/\b(cant|cannot)\b/g, "can not"],
  [/['’](s|d|ll|re|ve|m)\b/g, ""],
];

/**
 * Lower case, Latin accents removed (other scripts keep their marks: Devanagari vowel signs,
 * Russian "й"), contractions expanded, everything but letters, marks and digits a space.
 */
export function normalizeText(text: string): string {
  let out = text
    .normalize("NFKD")
    .replace(/(\p{Script=Latin})[\u0300-\u036f]+/gu, "$1")
    .normalize("NFC")
    .toLowerCase()
    .replace(/ё/g, "е");
  for (const [pattern, replacement] of CONTRACTIONS) out = out.replace(pattern, replacement);
  return out.replace(/[^\p{L}\p{M}\p{N}]+/gu, " ").trim();
}

/** Scripts written without spaces between words. */
const UNSPACED =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

let segmenter: Intl.Segmenter | undefined;

/**
 * The words of a normalised text: split at spaces, and for Chinese, Japanese, Thai, Lao,
 * Khmer and Burmese by `Intl.Segmenter` (dictionary word breaks); where the runtime has no
 * `Intl.Segmenter`, each character of those scripts is a word.
 */
export function segmentWords(normal: string, limit = Number.POSITIVE_INFINITY): string[] {
  if (normal === "") return [];
  if (!UNSPACED.test(normal)) return normal.split(" ").slice(0, limit);
  const words: string[] = [];
  if (typeof Intl === "object" && typeof Intl.Segmenter === "function") {
    segmenter ??= new Intl.Segmenter(undefined, { granularity: "word" });
    for (const part of segmenter.segment(normal)) {
      if (part.isWordLike === true) words.push(part.segment);
      if (words.length >= limit) break;
    }
    return words;
  }
  for (const chunk of normal.split(" ")) {
    words.push(...(UNSPACED.test(chunk) ? (chunk.match(/\P{M}\p{M}*/gu) ?? []) : [chunk]));
  }
  return words.slice(0, limit);
}

/**
 * The stem of a lower-case word: Snowball (Porter2) for Latin letters, Snowball Russian for
 * Cyrillic, the word itself otherwise or when it has digits.
 */
export function stem(word: string): string {
  if (/\d/.test(word)) return word;
  if (/^[a-z]+$/.test(word)) return stemEnglish(word);
  if (/^[а-яё]+$/.test(word)) return stemRussian(word);
  return word;
}

const STOP_LIST =
  "a an the i me my mine we our us you your yours he she it its they them their this that these " +
  "those is am are was were be been being do does did doing have has had having will would " +
  "shall should can could may might must to of in on at by for with from about as into onto " +
  "up down out over under again then than so too very just and or but if not no yes please " +
  "there here what which who whom whose when where why how all any some each anyone anything " +
  "ok okay im get got s t also would like " +
  "и в во не на я ты вы он она оно мы они мой моя мое мои твой ваш ваша что как где когда это " +
  "то а но или ли же бы у к с со по за из от до о об мне меня нам вам есть был была";

/** Words that carry little meaning on their own (and their stems); they count, but weakly. */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  STOP_LIST.split(" ").flatMap((word) => [word, stem(word)]),
);

/** Words that negate what follows. */
const NEGATORS = new Set(["not", "no", "never", "nor", "не", "нет", "ни"]);
/** Verbs whose object is negated with them: "don't want a refund". */
const CARRIERS = new Set(["want", "need", "wish", "like", "хоч", "нужн", "нуж", "надо"]);

/** The prefix of a negated word: "I don't want a refund" has `~want` and `~refund`. */
export const NEGATED = "~";

/**
 * Marks negated words: the first content word after a negator, and the next one too when
 * that is a verb of wanting ("not want a refund" → `~want ~refund`).
 */
export function markNegation(stems: readonly string[]): string[] {
  const out: string[] = [];
  let scope = 0;
  for (const word of stems) {
    if (NEGATORS.has(word)) {
      scope = 1;
      out.push(word);
    } else if (scope > 0 && !STOP_WORDS.has(word)) {
      out.push(NEGATED + word);
      scope = CARRIERS.has(word) ? 1 : 0;
    } else out.push(word);
  }
  return out;
}

/** The words of a text, normalised, segmented, read through the lexicon and stemmed. */
export function tokenize(text: string): string[] {
  return applyLexicon(segmentWords(normalizeText(text))).map(stem);
}

/**
 * Damerau–Levenshtein distance (optimal string alignment), giving up early once it must
 * exceed `max` (then returns `max + 1`).
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(
        (prev[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (prev[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, (prev2[j - 2] as number) + 1);
      }
      row.push(d);
      if (d < best) best = d;
    }
    if (best > max) return max + 1;
    prev2 = prev;
    prev = row;
  }
  return prev[b.length] as number;
}

/** Character trigrams of normalised words, with word boundaries marked. */
export function wordTrigrams(words: readonly string[]): string[] {
  const grams: string[] = [];
  for (const word of words) {
    if (word === "" || STOP_WORDS.has(word)) continue;
    const padded = ` ${word} `;
    for (let i = 0; i + 3 <= padded.length; i++) grams.push(padded.slice(i, i + 3));
  }
  return grams;
}
