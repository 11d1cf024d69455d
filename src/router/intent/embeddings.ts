/**
 * Pluggable sentence embeddings for the intent recognizer: any model that turns texts into
 * vectors (a hosted API, a local model). The examples' vectors are computed once and cached
 * in a store, so every node of a cluster shares them; a message costs one `embed` call and
 * a dot product per example.
 * @module
 */
import type { Store } from "../../storage/store.js";

/** One text's vector, as embedding APIs return them. */
export type EmbeddingVector = readonly number[] | Float32Array;

/**
 * An embedder broke its contract (not one vector per text): a bug to fix, reported as an
 * error rather than answered around like an outage of the model. Internal.
 */
export class EmbeddingsContractError extends TypeError {
  override readonly name = "EmbeddingsContractError";
}

/**
 * A sentence embedding model.
 * @example
 * ```ts
 * const embeddings: Embeddings = {
 *   id: "openai/text-embedding-3-small",
 *   async embed(texts) {
 *     const res = await fetch("https://api.openai.com/v1/embeddings", { … });
 *     return (await res.json()).data.map((d: { embedding: number[] }) => d.embedding);
 *   },
 * };
 * ```
 */
export interface Embeddings {
  /** The vectors of `texts`, in order (one call may get many texts). */
  embed(texts: string[]): Promise<readonly EmbeddingVector[]>;
  /**
   * Names the model in the keys of cached vectors: change it when the model changes.
   * @default "default"
   */
  readonly id?: string;
  /**
   * The share (0–1) of the hybrid score this model is made for, used when the recognizer
   * sets no `embeddingWeight`.
   * @default 0.6
   */
  readonly weight?: number;
  /**
   * `true`: the vectors are computed in this process, cheaply; they are not cached in the
   * store.
   */
  readonly local?: boolean;
}

/**
 * Throws unless `embeddings` is an {@link Embeddings}: an `embed` function, and a `weight`, if
 * any, from 0 to 1. `where` starts the message (e.g. "new Bot(options)").
 */
export function assertEmbeddings(embeddings: unknown, where: string): void {
  const model = embeddings as Partial<Embeddings> | null;
  if (typeof model?.embed !== "function") {
    throw new TypeError(
      `${where}: embeddings must be an object with embed(texts) => Promise<vectors>`,
    );
  }
  const { weight } = model;
  if (weight !== undefined && (typeof weight !== "number" || !(weight >= 0 && weight <= 1))) {
    throw new RangeError(
      `${where}: embeddings.weight must be a number from 0 to 1, got ${String(weight)}`,
    );
  }
}

/** The prefix of the store keys of cached example vectors. */
export const EMBEDDING_KEY_PREFIX = "botwire:intent-vector:";

/** Most texts sent to `embed` in one call. */
export const EMBED_BATCH = 64;

/** A short, stable key for a text (two 32-bit FNV-1a hashes and the length). */
export function textKey(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x811c9dc5) >>> 0;
  }
  return `${a.toString(16).padStart(8, "0")}${b.toString(16).padStart(8, "0")}${text.length}`;
}

/** A vector scaled to length 1 (all zeros stays so). */
export function toUnit(vector: EmbeddingVector): Float32Array {
  let sum = 0;
  for (const x of vector) sum += x * x;
  const norm = Math.sqrt(sum);
  const out = new Float32Array(vector.length);
  for (let i = 0; i < vector.length; i++) out[i] = norm === 0 ? 0 : (vector[i] as number) / norm;
  return out;
}

/** Whether a vector is all zeros (a model that knows none of a text's words). */
export function isZero(vector: Float32Array): boolean {
  for (const x of vector) if (x !== 0) return false;
  return true;
}

/** The dot product of two vectors (the cosine of unit vectors). */
export function dotProduct(a: Float32Array, b: Float32Array): number {
  let out = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) out += (a[i] as number) * (b[i] as number);
  return out;
}

/**
 * The unit vectors of `texts`: read from `shared` when cached there, the others embedded
 * (in batches of {@link EMBED_BATCH}) and written to it (unless the model is `local`).
 */
export async function embedCached(
  embeddings: Embeddings,
  texts: readonly string[],
  shared?: Store,
): Promise<Float32Array[]> {
  const store = embeddings.local === true ? undefined : shared;
  const prefix = `${EMBEDDING_KEY_PREFIX}${embeddings.id ?? "default"}:`;
  const out: Array<Float32Array | undefined> = await Promise.all(
    texts.map(async (text) => {
      const cached = store === undefined ? undefined : await store.get(prefix + textKey(text));
      return Array.isArray(cached) && cached.every((x) => typeof x === "number")
        ? Float32Array.from(cached as number[])
        : undefined;
    }),
  );
  const missing = texts.map((_, i) => i).filter((i) => out[i] === undefined);
  for (let start = 0; start < missing.length; start += EMBED_BATCH) {
    const batch = missing.slice(start, start + EMBED_BATCH);
    const vectors = await embeddings.embed(batch.map((i) => texts[i] as string));
    if (!Array.isArray(vectors) || vectors.length !== batch.length) {
      throw new EmbeddingsContractError(
        `embeddings.embed(texts) must return one vector per text: got ${Array.isArray(vectors) ? vectors.length : typeof vectors} for ${batch.length}`,
      );
    }
    await Promise.all(
      batch.map(async (i, k) => {
        const unit = toUnit(vectors[k] as EmbeddingVector);
        out[i] = unit;
        await store?.set(prefix + textKey(texts[i] as string), Array.from(unit));
      }),
    );
  }
  return out.map((v) => v ?? new Float32Array(0));
}
