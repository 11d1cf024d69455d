/**
 * Sparse vectors for the intent recognizer: weighted bags of terms, and an inverted index
 * that gives a query's cosine with every example at once.
 * @module
 */

/** A sparse vector: term → weight, with its norm cached. */
export interface Vector {
  weights: Map<string, number>;
  norm: number;
}

/** The vector divided by its norm (a copy; the empty vector stays empty). */
export function unit(vector: Vector): Vector {
  const weights = new Map<string, number>();
  for (const [term, w] of vector.weights) weights.set(term, w / (vector.norm || 1));
  return { weights, norm: vector.norm === 0 ? 0 : 1 };
}

/** The sum of vectors. */
export function sum(vectors: readonly Vector[]): Vector {
  const weights = new Map<string, number>();
  for (const v of vectors)
    for (const [t, w] of v.weights) weights.set(t, (weights.get(t) ?? 0) + w);
  let squares = 0;
  for (const w of weights.values()) squares += w * w;
  return { weights, norm: Math.sqrt(squares) };
}

/** The dot product of two vectors. */
export function dot(a: Vector, b: Vector): number {
  let out = 0;
  for (const [t, w] of a.weights) out += w * (b.weights.get(t) ?? 0);
  return out;
}

/** Builds a vector from terms and a weight function (applied per occurrence). */
export function toVector(terms: readonly string[], weigh: (term: string) => number): Vector {
  const weights = new Map<string, number>();
  for (const term of terms) weights.set(term, (weights.get(term) ?? 0) + weigh(term));
  let sum = 0;
  for (const w of weights.values()) sum += w * w;
  return { weights, norm: Math.sqrt(sum) };
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

/**
 * An inverted index of vectors (documents): term → the documents that have it. The dot
 * products of a query with every document cost the number of (query term, document) pairs
 * that share a term, not the number of documents times the size of either vector.
 */
export class VectorIndex {
  /** term → [document, weight, document, weight, …] */
  private readonly postings = new Map<string, number[]>();
  private readonly norms: number[] = [];

  /** The number of documents; the next one added gets this number. */
  get size(): number {
    return this.norms.length;
  }

  /** The norm of document `id`. */
  norm(id: number): number {
    return this.norms[id] ?? 0;
  }

  /** Adds a document; returns its number (0, 1, 2, …). */
  add(vector: Vector): number {
    const id = this.norms.length;
    this.norms.push(vector.norm);
    for (const [term, weight] of vector.weights) {
      const list = this.postings.get(term);
      if (list === undefined) this.postings.set(term, [id, weight]);
      else list.push(id, weight);
    }
    return id;
  }

  /** The dot product of `query` with every document, by document number. */
  dots(query: Vector): Float64Array {
    const out = new Float64Array(this.norms.length);
    for (const [term, weight] of query.weights) {
      const list = this.postings.get(term);
      if (list === undefined) continue;
      for (let i = 0; i < list.length; i += 2) {
        const id = list[i] as number;
        out[id] = (out[id] as number) + weight * (list[i + 1] as number);
      }
    }
    return out;
  }

  /** The cosine similarity of `query` with every document (0 when either is empty). */
  cosines(query: Vector): Float64Array {
    const out = this.dots(query);
    for (let id = 0; id < out.length; id++) {
      const norm = (this.norms[id] as number) * query.norm;
      out[id] = norm === 0 ? 0 : (out[id] as number) / norm;
    }
    return out;
  }
}
