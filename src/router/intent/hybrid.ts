/**
 * The embedding half of the hybrid recognizer: each intent's score from the message's
 * cosine with its closest example and with its centroid, measured from the level that
 * everyday chat reaches (the background), blended with the lexical score.
 * @module
 */
import type { Store } from "../../storage/store.js";
import { CALIBRATION_CHAT } from "./background.js";
import { type CalibrationScorer, lexicalScorer } from "./calibrate.js";
import {
  dotProduct,
  type Embeddings,
  EmbeddingsContractError,
  embedCached,
  isZero,
  toUnit,
} from "./embeddings.js";
import type { Model } from "./model.js";

/** The embedding vectors of a model's examples, and how to score with them. */
export class EmbeddingScorer {
  private constructor(
    private readonly model: Model,
    private readonly examples: Float32Array[],
    private readonly chat: Float32Array[],
    /** Per intent, the sum of its examples' unit vectors, and its norm. */
    private readonly sums: Float32Array[],
    private readonly norms: number[],
    /** The cosine everyday chat reaches: it scores 0. */
    private readonly floor: number,
  ) {}

  /** Embeds (or reads from `store`) the examples, the background and the calibration chat. */
  static async create(model: Model, embeddings: Embeddings, store?: Store) {
    const [examples, chat] = await Promise.all([
      embedCached(embeddings, model.texts, store),
      embedCached(embeddings, CALIBRATION_CHAT, store),
    ]);
    const sums = model.ranges.map(({ from, to }) => {
      const sum = new Float32Array(examples[from]?.length ?? 0);
      for (let e = from; e < to; e++) {
        examples[e]?.forEach((x, k) => {
          sum[k] = (sum[k] as number) + x;
        });
      }
      return sum;
    });
    const norms = sums.map((sum) => Math.sqrt(dotProduct(sum, sum)));
    // The floor: the median of the background's best cosine with an intent's example.
    const { from, to } = model.ranges[model.background] ?? { from: 0, to: 0 };
    const best: number[] = [];
    for (let b = from; b < to; b++) {
      let top = 0;
      for (let e = 0; e < from; e++) {
        top = Math.max(top, dotProduct(examples[b] as Float32Array, examples[e] as Float32Array));
      }
      best.push(top);
    }
    best.sort((x, y) => x - y);
    const floor = Math.min(0.95, best[Math.floor(best.length / 2)] ?? 0);
    return new EmbeddingScorer(model, examples, chat, sums, norms, floor);
  }

  /** The embedding score (0–1) of every intent; `leaveOut` scores an example without it. */
  scores(query: Float32Array, leaveOut = -1): Float64Array {
    const out = new Float64Array(this.model.background);
    for (let i = 0; i < out.length; i++) {
      const { from, to } = this.model.ranges[i] ?? { from: 0, to: 0 };
      let nearest = 0;
      for (let e = from; e < to; e++) {
        if (e !== leaveOut)
          nearest = Math.max(nearest, dotProduct(query, this.examples[e] as Float32Array));
      }
      const sum = this.sums[i] as Float32Array;
      let dot = dotProduct(query, sum);
      let norm = this.norms[i] as number;
      if (leaveOut >= from && leaveOut < to) {
        // The centroid without the example (`query` is its own unit vector).
        norm = Math.sqrt(Math.max(0, norm * norm - 2 * dot + 1));
        dot -= 1;
      }
      const centroid = norm === 0 ? 0 : dot / norm;
      const cosine = (nearest + centroid) / 2;
      out[i] = Math.min(1, Math.max(0, (cosine - this.floor) / (1 - this.floor)));
    }
    return out;
  }

  /** Calibration scores of the hybrid: lexical and embedding scores blended. */
  calibrationScorer(weight: number): CalibrationScorer {
    const lexical = lexicalScorer(this.model);
    // As when recognising: a text the model knows no word of is scored by its words alone.
    const hybrid = (words: Float64Array, vector: Float32Array | undefined, leaveOut = -1) =>
      vector === undefined || isZero(vector)
        ? words
        : blend(words, this.scores(vector, leaveOut), weight);
    return {
      leaveOut: (e) => hybrid(lexical.leaveOut(e), this.examples[e], e),
      chat: (i) => hybrid(lexical.chat(i), this.chat[i]),
    };
  }
}

/**
 * Per intent, `(1 - weight) × lexical + weight × embedding`, but never below
 * `(1 - weight / 2) × lexical`: a model that misses what the words show (a typo it has no
 * vector for, a product name) takes at most half its share from a lexical match.
 */
export function blend(
  lexical: Float64Array,
  embedding: Float64Array,
  weight: number,
): Float64Array {
  const out = new Float64Array(lexical.length);
  for (let i = 0; i < out.length; i++) {
    const words = lexical[i] as number;
    const mixed = (1 - weight) * words + weight * (embedding[i] ?? 0);
    out[i] = Math.max(mixed, (1 - weight / 2) * words);
  }
  return out;
}

/** The unit vector of one message. */
export async function embedQuery(embeddings: Embeddings, text: string): Promise<Float32Array> {
  const [vector] = await embeddings.embed([text]);
  if (vector === undefined) {
    throw new EmbeddingsContractError("embeddings.embed([text]) returned no vector");
  }
  return toUnit(vector);
}
