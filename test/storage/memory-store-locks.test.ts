import { afterEach, describe, expect, it, vi } from "vitest";
import { MemoryStore } from "../../src/storage/memory-store.js";

// MemoryStore keeps leases in a Map with expiry times (not an LRUCache); these pin down the
// lease semantics the session middleware relies on.
describe("MemoryStore leases", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("gives a key to one holder at a time and frees it on unlock by that holder only", () => {
    const store = new MemoryStore();
    const token = store.lock("k", 1000) as string;
    expect(typeof token).toBe("string");
    expect(store.lock("k", 1000)).toBeUndefined();
    store.unlock("k", "not-the-token");
    expect(store.lock("k", 1000)).toBeUndefined();
    store.unlock("k", token);
    const next = store.lock("k", 1000);
    expect(next).toBeDefined();
    expect(next).not.toBe(token);
  });

  it("lets a lease lapse after ttlMs unless renewed, and refuses renewing a lapsed one", () => {
    vi.useFakeTimers();
    vi.setSystemTime(1_000_000);
    const store = new MemoryStore();
    const token = store.lock("k", 100) as string;
    vi.setSystemTime(1_000_090);
    expect(store.renewLock("k", token, 100)).toBe(true);
    vi.setSystemTime(1_000_150);
    expect(store.lock("k", 100)).toBeUndefined(); // renewed until 1_000_190
    vi.setSystemTime(1_000_200);
    expect(store.renewLock("k", token, 100)).toBe(false);
    const other = store.lock("k", 100) as string;
    expect(other).toBeDefined();
    store.unlock("k", token); // the lapsed holder cannot free the new holder's lease
    expect(store.lock("k", 100)).toBeUndefined();
    expect(store.renewLock("k", token, 100)).toBe(false);
  });

  it("holds at most `max` leases, dropping the oldest like the LRU did", () => {
    const store = new MemoryStore({ max: 2 });
    const a = store.lock("a", 10_000);
    store.lock("b", 10_000);
    store.lock("c", 10_000);
    expect(store.lock("b", 10_000)).toBeUndefined();
    expect(store.lock("c", 10_000)).toBeUndefined();
    expect(store.lock("a", 10_000)).toBeDefined();
    expect(store.renewLock("a", a as string, 10_000)).toBe(false);
  });
});
