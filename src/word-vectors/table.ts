/**
 * The bundled word vectors, decoded once per process on first use: a word's row and the
 * sum of its weighted vector into a sentence vector. Internal.
 * @module
 */
import { DIMENSIONS, SCALES, VECTORS, WORDS } from "./data.js";

/** The decoded table: rows of 8-bit integers, and each word's row. */
export interface Table {
  readonly rows: Int8Array;
  readonly index: ReadonlyMap<string, number>;
}

let table: Table | undefined;

/** The table (decoded from base64 on the first call, ~50 ms). */
export function wordTable(): Table {
  if (table === undefined) {
    const binary = atob(VECTORS);
    const rows = new Int8Array(binary.length);
    for (let i = 0; i < binary.length; i++) rows[i] = (binary.charCodeAt(i) << 24) >> 24;
    const index = new Map<string, number>();
    WORDS.split(" ").forEach((word, row) => {
      index.set(word, row);
    });
    table = { rows, index };
  }
  return table;
}

/**
 * GloVe's vocabulary has 400 000 words; by Zipf's law the word of rank `r` (from 0) has a
 * frequency of about 1 / ((r + 50) × (ln 400 000 + γ)), the 50 flattening the head of the
 * curve.
 */
const HARMONIC = Math.log(400_000) + 0.5772;

/**
 * A word's weight in a sentence, `a / (a + p(word))` (Arora, Liang and Ma, 2017: "A Simple
 * but Tough-to-Beat Baseline for Sentence Embeddings"): frequent words weigh little.
 */
export function wordWeight(rank: number, a: number): number {
  return a / (a + 1 / ((rank + 50) * HARMONIC));
}

/** Adds `weight` × the vector of the word at `row` to `into`. */
export function addRow(into: Float32Array, rows: Int8Array, row: number, weight: number): void {
  const base = row * DIMENSIONS;
  for (let d = 0; d < DIMENSIONS; d++) {
    into[d] = (into[d] as number) + weight * (rows[base + d] as number) * (SCALES[d] as number);
  }
}

export { DIMENSIONS };
