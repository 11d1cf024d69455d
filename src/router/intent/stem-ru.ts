/**
 * The Russian stemmer of the Snowball project, written from the published algorithm
 * (snowballstem.org/algorithms/russian/stemmer.html). Input: a lower-case word.
 * @module
 */

const VOWELS = "аеиоуыэюя";

/** Endings by group, longest first: group 1 must follow "а" or "я", group 2 need not. */
function list(text: string): string[] {
  return text.split(" ").sort((a, b) => b.length - a.length);
}

const GERUND_1 = list("в вши вшись");
const GERUND_2 = list("ив ивши ившись ыв ывши ывшись");
const REFLEXIVE = list("ся сь");
const ADJECTIVE = list(
  "ее ие ые ое ими ыми ей ий ый ой ем им ым ом его ого ему ому их ых ую юю ая яя ою ею",
);
const PARTICIPLE_1 = list("ем нн вш ющ щ");
const PARTICIPLE_2 = list("ивш ывш ующ");
const VERB_1 = list("ла на ете йте ли й л ем н ло но ет ют ны ть ешь нно");
const VERB_2 = list(
  "ила ыла ена ейте уйте ите или ыли ей уй ил ыл им ым ен ило ыло ено ят ует уют ит ыт ены ить ыть ишь ую ю",
);
const NOUN = list(
  "а ев ов ие ье е иями ями ами еи ии и ией ей ой ий й иям ям ием ем ам ом о у ах иях ях ы ь ию ью ю ия ья я",
);

/**
 * Removes the longest ending of `groups` found within `rv..`: group 1 endings only after
 * "а" or "я" (kept). Returns the shorter word, or `undefined` when none matched.
 */
function strip(w: string, rv: number, one: readonly string[], two: readonly string[] = []) {
  let best: { at: number; length: number } | undefined;
  for (const e of one) {
    const at = w.length - e.length;
    if (w.endsWith(e) && at - 1 >= rv && /[ая]/.test(w[at - 1] ?? "")) {
      if (best === undefined || e.length > best.length) best = { at, length: e.length };
    }
  }
  for (const e of two) {
    const at = w.length - e.length;
    if (w.endsWith(e) && at >= rv && (best === undefined || e.length > best.length)) {
      best = { at, length: e.length };
    }
  }
  return best === undefined ? undefined : w.slice(0, best.at);
}

/** Start of the region after the first non-vowel that follows a vowel, from `from`. */
function region(w: string, from: number): number {
  for (let i = from + 1; i < w.length; i++) {
    if (!VOWELS.includes(w[i] ?? "") && VOWELS.includes(w[i - 1] ?? "")) return i + 1;
  }
  return w.length;
}

/** Snowball stem of a lower-case Russian word (`ё` is read as `е`). */
export function stemRussian(word: string): string {
  let w = word.replace(/ё/g, "е");
  let rv = w.length;
  for (let i = 0; i < w.length; i++) {
    if (VOWELS.includes(w[i] ?? "")) {
      rv = i + 1;
      break;
    }
  }
  const r2 = region(w, region(w, 0) - 1);
  // Step 1
  const gerund = strip(w, rv, GERUND_1, GERUND_2);
  if (gerund !== undefined) w = gerund;
  else {
    w = strip(w, rv, [], REFLEXIVE) ?? w;
    const adjective = strip(w, rv, [], ADJECTIVE);
    if (adjective !== undefined) {
      w = strip(adjective, rv, PARTICIPLE_1, PARTICIPLE_2) ?? adjective;
    } else {
      w = strip(w, rv, VERB_1, VERB_2) ?? strip(w, rv, [], NOUN) ?? w;
    }
  }
  // Step 2
  if (w.endsWith("и") && w.length - 1 >= rv) w = w.slice(0, -1);
  // Step 3
  const derivational = strip(w, r2, [], ["ость", "ост"]);
  if (derivational !== undefined) w = derivational;
  // Step 4
  if (w.endsWith("нн") && w.length - 1 >= rv) w = w.slice(0, -1);
  else {
    const superlative = strip(w, rv, [], ["ейше", "ейш"]);
    if (superlative !== undefined) {
      w = superlative;
      if (w.endsWith("нн") && w.length - 1 >= rv) w = w.slice(0, -1);
    } else if (w.endsWith("ь") && w.length - 1 >= rv) w = w.slice(0, -1);
  }
  return w;
}
