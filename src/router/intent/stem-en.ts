/**
 * The English (Porter2) stemmer of the Snowball project, written from the published
 * algorithm (snowballstem.org/algorithms/english/stemmer.html). Input: a lower-case word.
 * @module
 */

const VOWEL = /[aeiouy]/;
const DOUBLE = /(bb|dd|ff|gg|mm|nn|pp|rr|tt)$/;
const LI_ENDING = /[cdeghkmnrt]/;

const EXCEPTIONS: Readonly<Record<string, string>> = {
  skis: "ski",
  skies: "sky",
  dying: "die",
  lying: "lie",
  tying: "tie",
  idly: "idl",
  gently: "gentl",
  ugly: "ugli",
  early: "earli",
  only: "onli",
  singly: "singl",
  sky: "sky",
  news: "news",
  howe: "howe",
  atlas: "atlas",
  cosmos: "cosmos",
  bias: "bias",
  andes: "andes",
};
const AFTER_1A = new Set([
  "inning",
  "outing",
  "canning",
  "herring",
  "earring",
  "proceed",
  "exceed",
  "succeed",
]);

const isVowel = (c: string | undefined) => c !== undefined && VOWEL.test(c);

/** Start of the region after the first non-vowel that follows a vowel, from `from`. */
function region(w: string, from: number): number {
  for (let i = from + 1; i < w.length; i++) {
    if (!isVowel(w[i]) && isVowel(w[i - 1])) return i + 1;
  }
  return w.length;
}

/** Whether `w` ends in a short syllable. */
function shortSyllable(w: string): boolean {
  const n = w.length;
  if (n === 2) return isVowel(w[0]) && !isVowel(w[1]);
  const [a, b, c] = [w[n - 3], w[n - 2], w[n - 1]];
  return !isVowel(a) && isVowel(b) && !isVowel(c) && !/[wxY]/.test(c ?? "");
}

/** The longest of `suffixes` that `w` ends with. */
function longest(w: string, suffixes: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const s of suffixes)
    if (w.endsWith(s) && (best === undefined || s.length > best.length)) best = s;
  return best;
}

const STEP2: ReadonlyArray<[string, string]> = [
  ["tional", "tion"],
  ["enci", "ence"],
  ["anci", "ance"],
  ["abli", "able"],
  ["entli", "ent"],
  ["izer", "ize"],
  ["ization", "ize"],
  ["ational", "ate"],
  ["ation", "ate"],
  ["ator", "ate"],
  ["alism", "al"],
  ["aliti", "al"],
  ["alli", "al"],
  ["fulness", "ful"],
  ["ousli", "ous"],
  ["ousness", "ous"],
  ["iveness", "ive"],
  ["iviti", "ive"],
  ["biliti", "ble"],
  ["bli", "ble"],
  ["ogi", "og"],
  ["fulli", "ful"],
  ["lessli", "less"],
  ["li", ""],
];
const STEP3: ReadonlyArray<[string, string]> = [
  ["tional", "tion"],
  ["ational", "ate"],
  ["alize", "al"],
  ["icate", "ic"],
  ["iciti", "ic"],
  ["ical", "ic"],
  ["ful", ""],
  ["ness", ""],
  ["ative", ""],
];
const STEP4 = "al ance ence er ic able ible ant ement ment ent ism ate iti ous ive ize ion".split(
  " ",
);
const STEP2_KEYS = STEP2.map(([s]) => s);
const STEP3_KEYS = STEP3.map(([s]) => s);

/** Porter2 stem of a lower-case English word. */
export function stemEnglish(word: string): string {
  if (word.length <= 2) return word;
  const exception = EXCEPTIONS[word];
  if (exception !== undefined) return exception;
  let w = word.replace(/^y/, "Y").replace(/([aeiouy])y/g, "$1Y");
  const prefix = /^(gener|commun|arsen|past|univers|later|emerg|organ)/.exec(w);
  const r1 = prefix ? prefix[0].length : region(w, 0);
  const r2 = () => region(w, r1);
  // Step 1a
  const s1a = longest(w, ["sses", "ied", "ies", "us", "ss", "s"]);
  if (s1a === "sses") w = w.slice(0, -2);
  else if (s1a === "ied" || s1a === "ies") w = w.length > 4 ? w.slice(0, -2) : w.slice(0, -1);
  else if (s1a === "s" && VOWEL.test(w.slice(0, -2))) w = w.slice(0, -1);
  if (AFTER_1A.has(w)) return w;
  // Step 1b
  const s1b = longest(w, ["eed", "eedly", "ed", "edly", "ing", "ingly"]);
  if (s1b === "eed" || s1b === "eedly") {
    if (w.length - s1b.length >= r1) w = `${w.slice(0, -s1b.length)}ee`;
  } else if (s1b !== undefined && VOWEL.test(w.slice(0, -s1b.length))) {
    w = w.slice(0, -s1b.length);
    if (/(at|bl|iz)$/.test(w)) w += "e";
    else if (DOUBLE.test(w)) w = w.slice(0, -1);
    else if (r1 >= w.length && shortSyllable(w)) w += "e";
  }
  // Step 1c
  if (w.length > 2 && /[yY]$/.test(w) && !isVowel(w[w.length - 2])) w = `${w.slice(0, -1)}i`;
  // Step 2
  const s2 = longest(w, STEP2_KEYS);
  if (s2 !== undefined && w.length - s2.length >= r1) {
    const stem = w.slice(0, -s2.length);
    if (s2 === "ogi") {
      if (stem.endsWith("l")) w = `${stem}og`;
    } else if (s2 === "li") {
      if (LI_ENDING.test(stem.at(-1) ?? "")) w = stem;
    } else w = stem + (STEP2.find(([s]) => s === s2)?.[1] ?? "");
  }
  // Step 3
  const s3 = longest(w, [...STEP3_KEYS, "ative"]);
  if (s3 !== undefined && w.length - s3.length >= r1) {
    if (s3 !== "ative" || w.length - s3.length >= r2()) {
      w = w.slice(0, -s3.length) + (STEP3.find(([s]) => s === s3)?.[1] ?? "");
    }
  }
  // Step 4
  const s4 = longest(w, STEP4);
  if (s4 !== undefined && w.length - s4.length >= r2()) {
    if (s4 !== "ion" || /[st]$/.test(w.slice(0, -3))) w = w.slice(0, -s4.length);
  }
  // Step 5
  if (w.endsWith("e")) {
    const at = w.length - 1;
    if (at >= r2() || (at >= r1 && !shortSyllable(w.slice(0, -1)))) w = w.slice(0, -1);
  } else if (w.endsWith("ll") && w.length - 1 >= r2()) w = w.slice(0, -1);
  return w.replace(/Y/g, "y");
}
