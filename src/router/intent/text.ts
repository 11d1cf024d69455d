/**
 * Text processing for the built-in intent recognizer: normalisation, tokens, a light
 * English stemmer, stop words and edit distance. No model, no download.
 * @module
 */

const CONTRACTIONS: ReadonlyArray<[RegExp, string]> = [
  [/\bcan['’]t\b/g, "can not"],
  [/\bwon['’]t\b/g, "will not"],
  [/n['’]t\b/g, " not"],
  // Typed without the apostrophe: "dont", "hasnt", "cant".
  [/\b(do|does|did|is|are|was|were|has|have|had|could|would|should)nt\b/g, "$1 not"],
  [/\bcant\b/g, "can not"],
  [/['’](s|d|ll|re|ve|m)\b/g, ""],
];

/** Lower case, accents removed, contractions expanded, everything but letters/digits a space. */
export function normalizeText(text: string): string {
  let out = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();
  for (const [pattern, replacement] of CONTRACTIONS) out = out.replace(pattern, replacement);
  return out.replace(/[^\p{L}\p{N}]+/gu, " ").trim();
}

/** Words that carry little meaning on their own; they count, but weakly. */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    "a an the i me my mine we our us you your yours he she it its they them their this that these " +
    "those is am are was were be been being do does did doing have has had having will would " +
    "shall should can could may might must to of in on at by for with from about as into onto " +
    "up down out over under again then than so too very just and or but if not no yes please " +
    "there here what which who whom whose when where why how all any some each anyone anything " +
    "ok okay im get got s t"
  ).split(" "),
);

/** A light suffix-stripping stemmer: enough to match "shipping"/"shipped"/"ships". */
export function stem(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  let w = word;
  if (w.endsWith("ies") && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith("sses")) w = w.slice(0, -2);
  else if (w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us") && !w.endsWith("is")) {
    w = w.slice(0, -1);
  }
  for (const suffix of ["ing", "ed", "ly", "ment"]) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 3) {
      w = w.slice(0, -suffix.length);
      // "shipping" → "shipp" → "ship"; "stopped" → "stop"
      if (w.length >= 3 && w.at(-1) === w.at(-2) && !/[lsz]/.test(w.at(-1) ?? ""))
        w = w.slice(0, -1);
      break;
    }
  }
  if (w.endsWith("e") && w.length > 4) w = w.slice(0, -1);
  return w;
}

/** The words of a text, normalised and stemmed. */
export function tokenize(text: string): string[] {
  const normal = normalizeText(text);
  return normal === "" ? [] : normal.split(" ").map(stem);
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
