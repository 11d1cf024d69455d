/**
 * Typo correction and word splitting for the intent recognizer, with a cost per word that
 * depends on neither the message nor the size of the vocabulary.
 * @module
 */
import { canonicalStem, MAX_WORD_LENGTH } from "./query.js";
import { editDistance, STOP_WORDS } from "./text.js";

/** Largest number of edits a typo may need: one, or two for words of 8+ letters. */
function allowedEdits(word: string): number {
  return word.length >= 8 ? 2 : 1;
}

/** Every string made from `word` by deleting up to `depth` characters, `word` included. */
function deletions(word: string, depth: number, into: Set<string> = new Set()): Set<string> {
  into.add(word);
  if (depth === 0 || word.length <= 1) return into;
  for (let i = 0; i < word.length; i++) {
    const shorter = word.slice(0, i) + word.slice(i + 1);
    if (!into.has(shorter)) deletions(shorter, depth - 1, into);
  }
  return into;
}

/**
 * Finds the known word nearest to an unknown one (symmetric-delete lookup, as in
 * SymSpell): two words within `d` edits (transpositions included) share a string made
 * from each by deleting at most `d` characters. The index maps those strings to the
 * known words, so a lookup costs a few hundred map reads for the longest word instead of
 * an edit distance against every known word.
 */
export class TypoIndex {
  private readonly byDeletion = new Map<string, number[]>();

  /** @param known - the known content words; earlier ones win ties */
  constructor(private readonly known: readonly string[]) {
    known.forEach((word, index) => {
      // A word of L letters can be within two edits of queries of up to L + 2 letters.
      if (word.length < 3 || word.length > MAX_WORD_LENGTH + 2) return;
      for (const key of deletions(word, 2)) {
        const list = this.byDeletion.get(key);
        if (list === undefined) this.byDeletion.set(key, [index]);
        else list.push(index);
      }
    });
  }

  /**
   * The known word nearest to `word` within one edit (two for 8+ letters), the first
   * known one on a tie; `word` itself when none is near or it is shorter than 4 or longer
   * than {@link MAX_WORD_LENGTH}.
   */
  correct(word: string): string {
    if (word.length < 4 || word.length > MAX_WORD_LENGTH) return word;
    const max = allowedEdits(word);
    const candidates = new Set<number>();
    for (const key of deletions(word, max)) {
      for (const index of this.byDeletion.get(key) ?? []) candidates.add(index);
    }
    let best = word;
    let bestDistance = max + 1;
    for (const index of [...candidates].sort((a, b) => a - b)) {
      const candidate = this.known[index] as string;
      const d = editDistance(word, candidate, bestDistance - 1);
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    return best;
  }
}

/**
 * Splits a run-together word into two known ones ("login" → "log", "in"), if possible;
 * words longer than {@link MAX_WORD_LENGTH} are not split.
 */
export function splitWord(
  known: ReadonlyMap<string, number>,
  word: string,
): [string, string] | undefined {
  if (word.length > MAX_WORD_LENGTH) return undefined;
  const ok = (w: string) => known.has(w) || STOP_WORDS.has(w);
  const content = (w: string) => known.has(w) && !STOP_WORDS.has(w);
  for (let i = 2; i <= word.length - 2; i++) {
    const head = canonicalStem(word.slice(0, i));
    const tail = canonicalStem(word.slice(i));
    // At least one half must be a content word: "door" is not "do" + "or".
    if (ok(head) && ok(tail) && (content(head) || content(tail))) return [head, tail];
  }
  return undefined;
}
