/**
 * Sparse vectors for the intent recognizer: weighted bags of terms and their cosine.
 * @module
 */

/** A sparse vector: term → weight, with its norm cached. */
export interface Vector {
  weights: Map<string, number>;
  norm: number;
}

/** Builds a vector from terms and a weight function (applied per occurrence). */
export function toVector(terms: readonly string[], weigh: (term: string) => number): Vector {
  const weights = new Map<string, number>();
  for (const term of terms) weights.set(term, (weights.get(term) ?? 0) + weigh(term));
  let sum = 0;
  for (const w of weights.values()) sum += w * w;
  return { weights, norm: Math.sqrt(sum) };
}

/** Cosine similarity of two vectors, 0 when either is empty. */
export function cosine(a: Vector, b: Vector): number {
  if (a.norm === 0 || b.norm === 0) return 0;
  const [small, large] = a.weights.size <= b.weights.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [term, w] of small.weights) dot += w * (large.weights.get(term) ?? 0);
  return dot / (a.norm * b.norm);
}

/** Inverse document frequency over documents given as term sets: rare terms weigh more. */
export function inverseFrequencies(documents: readonly ReadonlySet<string>[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const doc of documents)
    for (const term of doc) counts.set(term, (counts.get(term) ?? 0) + 1);
  const idf = new Map<string, number>();
  for (const [term, df] of counts) idf.set(term, Math.log(1 + documents.length / df));
  return idf;
}
