/**
 * The store interface shared by sessions, the FAQ cache and rate limits. Three methods
 * are required; the atomic ones make guarantees across processes possible.
 * @module
 */
import type { MaybePromise } from "../util/types.js";

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
  /**
   * `true` when the store lives in this process only (like `MemoryStore`): `session()`
   * then serialises updates with an in-process mutex and skips the cross-process lease.
   * @default false
   */
  readonly local?: boolean;
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

/** A value read together with its version (see {@link SessionStore.getVersioned}). */
export interface Versioned {
  /** The stored value. */
  value: unknown;
  /** An opaque token that changes on every write to the key and is never reused. */
  version: string;
}

/**
 * A store that `session()` can use safely from many processes at once: versioned
 * compare-and-set (so a write based on stale data is refused, never applied) and a
 * leased per-key lock (so handlers of one session run one at a time across processes).
 * `MemoryStore` and `RedisStore` implement it; `runStoreSuite` checks it.
 */
export interface SessionStore extends Store {
  /** Reads a value and its version, or `undefined` when absent or expired. */
  getVersioned(key: string): MaybePromise<Versioned | undefined>;
  /**
   * Writes `value` only if the key's current version is `version` (`undefined`: the key
   * must be absent). Resolves with whether it wrote. `ttlMs` works as in `set`.
   */
  compareAndSet(
    key: string,
    value: unknown,
    version: string | undefined,
    ttlMs?: number,
  ): MaybePromise<boolean>;
  /**
   * Takes an exclusive lease on `key` for `ttlMs`. Resolves with a token that proves
   * ownership, or `undefined` when another holder has it. Locks and values live in
   * separate namespaces: locking `k` does not touch the value under `k`.
   */
  lock(key: string, ttlMs: number): MaybePromise<string | undefined>;
  /** Extends a lease held with `token` to `ttlMs` from now; `false` if the lease was lost. */
  renewLock(key: string, token: string, ttlMs: number): MaybePromise<boolean>;
  /** Releases a lease held with `token`; does nothing if someone else holds it now. */
  unlock(key: string, token: string): MaybePromise<void>;
  /**
   * Optional, to save a round trip per update: {@link lock}, then — only when the lease was
   * taken — {@link getVersioned} as it reads once the lease is held. Resolves with the token
   * and what was read, or `undefined` when another holder has the lease. `session()` uses it
   * when present (`RedisStore` pipelines both on one connection).
   */
  lockAndRead?(key: string, ttlMs: number): MaybePromise<LockedRead | undefined>;
  /**
   * Optional, to save a round trip per update: {@link compareAndSet}, then {@link unlock}
   * with `token` whether or not it wrote. Resolves with whether it wrote. `session()` uses it
   * when present to save a changed session and let go of its lease at once.
   */
  compareAndSetUnlock?(
    key: string,
    value: unknown,
    version: string | undefined,
    ttlMs: number | undefined,
    token: string,
  ): MaybePromise<boolean>;
}

/** What {@link SessionStore.lockAndRead} got: the lease's token and the value under the key. */
export interface LockedRead {
  /** The token of the lease now held. */
  token: string;
  /** The value and its version once the lease was held, or `undefined` when absent. */
  read: Versioned | undefined;
}

const SESSION_METHODS = ["getVersioned", "compareAndSet", "lock", "renewLock", "unlock"] as const;

/** True when `store` has the operations of {@link SessionStore}. */
export function isSessionStore(store: Store): store is SessionStore {
  let known = sessionStores.get(store);
  if (known === undefined) {
    known = hasSessionMethods(store);
    sessionStores.set(store, known);
  }
  return known;
}

/** Answers per store, computed once: `session()` asks on every message. */
const sessionStores = new WeakMap<Store, boolean>();

function hasSessionMethods(store: Store): boolean {
  return SESSION_METHODS.every(
    (name) => typeof (store as unknown as Record<string, unknown>)[name] === "function",
  );
}

/** Throws a TypeError naming `option` unless `store` has `get`, `set` and `delete`. */
export function assertStore(store: unknown, option: string): asserts store is Store {
  const s = store as Partial<Store> | null;
  if (
    typeof s !== "object" ||
    s === null ||
    typeof s.get !== "function" ||
    typeof s.set !== "function" ||
    typeof s.delete !== "function"
  ) {
    throw new TypeError(`${option} must be a store with get, set and delete methods`);
  }
}
