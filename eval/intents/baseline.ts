/**
 * The baseline of the issue: a TF-IDF word + character-trigram centroid per intent, scored
 * by cosine. No stemming, no typo correction, no background model.
 */

type Sparse = Map<string, number>;

function features(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const out = words.map((w) => `w:${w}`);
  const joined = ` ${words.join(" ")} `;
  for (let i = 0; i + 3 <= joined.length; i++) out.push(`c:${joined.slice(i, i + 3)}`);
  return out;
}

function normalize(v: Sparse): Sparse {
  let sum = 0;
  for (const x of v.values()) sum += x * x;
  const n = Math.sqrt(sum) || 1;
  for (const [k, x] of v) v.set(k, x / n);
  return v;
}

/** TF-IDF centroid classifier. */
export class CentroidBaseline {
  private idf = new Map<string, number>();
  private centroids: Array<{ name: string; v: Sparse }> = [];

  /** Learns the examples of every intent. */
  train(intents: ReadonlyMap<string, readonly string[]>): void {
    const docs = [...intents.values()].flat().map(features);
    const df = new Map<string, number>();
    for (const d of docs) for (const t of new Set(d)) df.set(t, (df.get(t) ?? 0) + 1);
    for (const [t, n] of df) this.idf.set(t, Math.log((1 + docs.length) / (1 + n)) + 1);
    for (const [name, examples] of intents) {
      const c: Sparse = new Map();
      for (const e of examples) {
        for (const [t, x] of this.vector(e)) c.set(t, (c.get(t) ?? 0) + x / examples.length);
      }
      this.centroids.push({ name, v: normalize(c) });
    }
  }

  private vector(text: string): Sparse {
    const tf: Sparse = new Map();
    for (const t of features(text)) tf.set(t, (tf.get(t) ?? 0) + 1);
    const v: Sparse = new Map();
    for (const [t, n] of tf) {
      const idf = this.idf.get(t);
      if (idf !== undefined) v.set(t, (1 + Math.log(n)) * idf);
    }
    return normalize(v);
  }

  /** The best intent and its cosine. */
  top(text: string): { name: string; score: number } {
    const q = this.vector(text);
    let best = { name: "", score: -1 };
    for (const { name, v } of this.centroids) {
      let dot = 0;
      for (const [t, x] of q) dot += x * (v.get(t) ?? 0);
      if (dot > best.score) best = { name, score: dot };
    }
    return best;
  }
}
