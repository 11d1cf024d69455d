/**
 * The store interface shared by sessions, the FAQ cache and rate limits. Three methods
 * are required; the atomic ones make guarantees across processes possible.
 * @module
 */
import type { MaybePromise } from "../core/types.js";

/**
 * A key-value store with optional expiry. Values are JSON-compatible; implementations
 * must return copies (a caller mutating a value it read must not change the store).
 */
export interface Store {
  /** Reads a value, or `undefined` when absent or expired. */
  get(key: string): MaybePromise<unknown>;
  /** Writes a value; `ttlMs` makes it expire (omitted: never). */
  set(key: string, value: unknown, ttlMs?: number): MaybePromise<void>;
  /** Deletes a value (no error when absent). */
  delete(key: string): MaybePromise<void>;
}

/** The result of {@link AtomicStore.increment}. */
export interface Counter {
  /** The counter's value after the increment. */
  count: number;
  /** Milliseconds until the counter expires (its window ends). */
  ttlMs: number;
}

/** A store with the atomic operations needed for guarantees that hold across processes. */
export interface AtomicStore extends Store {
  /**
   * Atomically adds `by` to a numeric counter. A counter that did not exist starts at 0
   * and expires after `ttlMs`; incrementing does not extend its expiry (fixed window).
   */
  increment(key: string, by: number, ttlMs: number): MaybePromise<Counter>;
}

/** True when `store` has the atomic operations of {@link AtomicStore}. */
export function isAtomicStore(store: Store): store is AtomicStore {
  return typeof (store as Partial<AtomicStore>).increment === "function";
}
