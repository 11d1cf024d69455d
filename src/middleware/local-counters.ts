/**
 * In-process fixed-window counters: the default store of `rateLimit()`.
 * @module
 */
import { LRUCache } from "lru-cache";
import type { AtomicStore, Counter } from "../storage/store.js";

interface Window {
  count: number;
  endsAt: number;
}

/**
 * Counters for one process, bounded in number (least recently used are dropped first)
 * and expiring with their window. Only `increment` is used by `rateLimit()`; the other
 * methods make it a complete {@link AtomicStore}.
 */
export class LocalCounters implements AtomicStore {
  private readonly windows: LRUCache<string, Window>;

  /** @param max - most counters kept at once */
  constructor(max = 100_000) {
    this.windows = new LRUCache<string, Window>({ max });
  }

  /** Adds `by` to the counter of the current window, opening a window of `ttlMs` if none is open. */
  increment(key: string, by: number, ttlMs: number, now = Date.now()): Counter {
    let window = this.windows.get(key);
    if (window === undefined || window.endsAt <= now) {
      window = { count: 0, endsAt: now + ttlMs };
      this.windows.set(key, window);
    }
    window.count += by;
    return { count: window.count, ttlMs: window.endsAt - now };
  }

  /** Reads a counter's value in the open window. */
  get(key: string, now = Date.now()): number | undefined {
    const window = this.windows.get(key);
    return window === undefined || window.endsAt <= now ? undefined : window.count;
  }

  /** Sets a counter (numbers only) for `ttlMs`, by default a very long window. */
  set(key: string, value: unknown, ttlMs = 2 ** 31): void {
    if (typeof value !== "number") throw new TypeError("LocalCounters only stores numbers");
    this.windows.set(key, { count: value, endsAt: Date.now() + ttlMs });
  }

  /** Drops a counter. */
  delete(key: string): void {
    this.windows.delete(key);
  }
}
