/**
 * MemoryStore: the default store, in this process's memory (LRU + TTL via lru-cache).
 * @module
 */
import { LRUCache } from "lru-cache";
import { localId } from "../util/id.js";
import { toJsonValue } from "../util/json-value.js";
import type { AtomicStore, Counter, LockedRead, SessionStore, Versioned } from "./store.js";

interface Entry {
  /**
   * The value as a JSON value (see `toJsonValue`), owned by the store: readers get copies.
   * Kept as objects rather than JSON text: copying is several times cheaper than printing
   * and parsing, and gives the same result.
   */
  value: unknown;
  version: string;
  /** The expiry it was written with (0: none). */
  ttl: number;
}

/** A private copy of `value` as JSON carries it (the contract of every store, so MemoryStore and RedisStore agree). */
function toStored(value: unknown, method: string): unknown {
  const stored = toJsonValue(value);
  if (stored === undefined) {
    throw new TypeError(`MemoryStore.${method}: the value must be JSON-serialisable`);
  }
  return stored;
}

let peekStored: (store: MemoryStore, key: string) => Readonly<Entry> | undefined;
let compareAndSetStoredImpl: (
  store: MemoryStore,
  key: string,
  value: unknown,
  version: string | undefined,
  ttlMs: number | undefined,
) => boolean;

/**
 * @internal The value stored under `key` and its version, not copied: the caller must
 * neither change nor keep it (`session()` copies it for the handlers and compares the result
 * against it). Not a method, so that it is not part of MemoryStore's public API.
 */
export function peekVersioned(store: MemoryStore, key: string): Readonly<Entry> | undefined {
  return peekStored(store, key);
}

/**
 * @internal `compareAndSet` for a value that already is a private JSON value of the caller's
 * (from `toJsonValue`), which the store takes over instead of copying.
 */
export function compareAndSetOwned(
  store: MemoryStore,
  key: string,
  value: unknown,
  version: string | undefined,
  ttlMs: number | undefined,
): boolean {
  return compareAndSetStoredImpl(store, key, value, version, ttlMs);
}

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /**
   * Most keys kept at once; the least recently used go first when it is full.
   * @default 100000 (as many as the in-memory ledger keeps sessions, so a session's data is
   *   not forgotten while its protocol session can still be resumed)
   */
  max?: number;
}

function checkTtl(ttlMs: number | undefined, method: string): void {
  if (ttlMs === undefined) return;
  if (typeof ttlMs !== "number" || !Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new RangeError(`MemoryStore.${method}: ttlMs must be a positive number, got ${ttlMs}`);
  }
}

/**
 * A store in memory: bounded (LRU), with per-key expiry, and with every value copied on
 * write and on read (kept as JSON, the format every store uses), so a handler cannot change
 * stored state by mutating an object it read or wrote. Implements the atomic operations too, so it passes
 * the whole store suite; being in one process, it is shared only by the bots of that process.
 *
 * @example
 * ```ts
 * const store = new MemoryStore({ max: 50_000 });
 * const bot = new Bot({ store });
 * bot.use(session({ initial: () => ({ count: 0 }) })); // uses bot's store
 * ```
 */
export class MemoryStore implements AtomicStore, SessionStore {
  /** Only this process sees this store: `session()` needs no cross-process lease. */
  readonly local = true;
  private readonly entries: LRUCache<string, Entry>;
  /**
   * Held leases with their expiry. A plain Map, not an LRUCache: lru-cache turns deleting its
   * last entry into clear(), which refills arrays as long as `max` — once per unlock when a
   * single session is busy, about 20% of CPU per message in the benchmark.
   */
  private readonly locks = new Map<string, { token: string; until: number }>();
  private readonly maxLocks: number;
  private clock = 0;

  /** @param options - see {@link MemoryStoreOptions} */
  constructor(options: MemoryStoreOptions = {}) {
    const max = options.max ?? 100_000;
    if (!Number.isInteger(max) || max < 1) {
      throw new RangeError(`MemoryStore: max must be a positive integer, got ${max}`);
    }
    this.entries = new LRUCache<string, Entry>({ max });
    this.maxLocks = max;
  }

  /** Reads a copy of the value under `key`. */
  get(key: string): unknown {
    const entry = this.entries.get(key);
    return entry === undefined ? undefined : toJsonValue(entry.value);
  }

  /** Stores a copy of `value`; it expires after `ttlMs` (omitted: only LRU eviction). */
  set(key: string, value: unknown, ttlMs?: number): void {
    checkTtl(ttlMs, "set");
    this.write(key, toStored(value, "set"), ttlMs);
  }

  /** Deletes `key`. */
  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Adds `by` to the counter under `key` (fixed window: the first increment sets its expiry). */
  increment(key: string, by: number, ttlMs: number): Counter {
    checkTtl(ttlMs, "increment");
    if (typeof by !== "number" || !Number.isFinite(by)) {
      throw new TypeError(`MemoryStore.increment: by must be a finite number, got ${by}`);
    }
    const current = this.entries.get(key);
    const value = current?.value;
    if (typeof value !== "number") {
      this.write(key, by, ttlMs);
      return { count: by, ttlMs };
    }
    const count = value + by;
    // noUpdateTTL keeps the window that the first increment opened.
    this.entries.set(
      key,
      { value: count, version: this.nextVersion(), ttl: current?.ttl ?? ttlMs },
      { noUpdateTTL: true },
    );
    const left = this.entries.getRemainingTTL(key);
    return { count, ttlMs: Number.isFinite(left) ? Math.max(0, Math.ceil(left)) : ttlMs };
  }

  /** Reads a copy of the value under `key` with its version. */
  getVersioned(key: string): Versioned | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    return { value: toJsonValue(entry.value), version: entry.version };
  }

  /** Writes only if the version under `key` is still `version` (`undefined`: absent). */
  compareAndSet(key: string, value: unknown, version: string | undefined, ttlMs?: number): boolean {
    checkTtl(ttlMs, "compareAndSet");
    if (this.entries.get(key)?.version !== version) return false;
    this.write(key, toStored(value, "compareAndSet"), ttlMs);
    return true;
  }

  static {
    // The unshared accessors session() uses, given to this module only (not public API).
    peekStored = (store, key) => store.entries.get(key);
    compareAndSetStoredImpl = (store, key, value, version, ttlMs) => {
      checkTtl(ttlMs, "compareAndSet");
      // peek: the read that precedes this already counted as a use for the LRU.
      const current = store.entries.peek(key);
      if (current?.version !== version) return false;
      if (current !== undefined && ttlMs === undefined && current.ttl === 0) {
        // No expiry before or after: update in place and spare the LRU a set.
        current.value = value;
        current.version = store.nextVersion();
      } else {
        store.write(key, value, ttlMs);
      }
      return true;
    };
  }

  /** Takes the lease on `key` if it is free or expired. */
  lock(key: string, ttlMs: number): string | undefined {
    checkTtl(ttlMs, "lock");
    const now = Date.now();
    const held = this.locks.get(key);
    if (held !== undefined && held.until > now) return undefined;
    if (held === undefined && this.locks.size >= this.maxLocks) this.sweepLocks(now);
    // Unique within this process is all a lock token here needs; the CSPRNG call that
    // randomId makes showed up as ~9% of CPU per message with session() in the benchmark.
    const token = localId();
    this.locks.set(key, { token, until: now + ttlMs });
    return token;
  }

  /** Extends the lease on `key` if `token` still holds it. */
  renewLock(key: string, token: string, ttlMs: number): boolean {
    checkTtl(ttlMs, "renewLock");
    const held = this.locks.get(key);
    const now = Date.now();
    if (held === undefined || held.token !== token || held.until <= now) return false;
    held.until = now + ttlMs;
    return true;
  }

  /** Releases the lease on `key` if `token` holds it. */
  unlock(key: string, token: string): void {
    if (this.locks.get(key)?.token === token) this.locks.delete(key);
  }

  /** Takes the lease on `key` and reads its value, or `undefined` when it is held. */
  lockAndRead(key: string, ttlMs: number): LockedRead | undefined {
    const token = this.lock(key, ttlMs);
    return token === undefined ? undefined : { token, read: this.getVersioned(key) };
  }

  /** Compare-and-set, then releases the lease held with `token`. */
  compareAndSetUnlock(
    key: string,
    value: unknown,
    version: string | undefined,
    ttlMs: number | undefined,
    token: string,
  ): boolean {
    try {
      return this.compareAndSet(key, value, version, ttlMs);
    } finally {
      this.unlock(key, token);
    }
  }

  /** Forgets expired leases, and the oldest ones while more than `max` remain (as the LRU did). */
  private sweepLocks(now: number): void {
    for (const [key, held] of this.locks) if (held.until <= now) this.locks.delete(key);
    for (const key of this.locks.keys()) {
      if (this.locks.size < this.maxLocks) break;
      this.locks.delete(key);
    }
  }

  private write(key: string, value: unknown, ttlMs: number | undefined): void {
    // ttl 0 means "no expiry" to lru-cache, so an omitted ttlMs also clears an old expiry.
    const ttl = ttlMs ?? 0;
    this.entries.set(key, { value, version: this.nextVersion(), ttl }, { ttl });
  }

  private nextVersion(): string {
    // Versions are never reused, even after a delete: no ABA for compare-and-set.
    this.clock += 1;
    return String(this.clock);
  }
}
