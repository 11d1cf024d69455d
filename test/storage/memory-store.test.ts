import { describe, expect, it } from "vitest";
import { MemoryStore } from "../../src/index.js";
import { runStoreSuite } from "../../src/testing/index.js";

runStoreSuite({ name: "MemoryStore", create: () => new MemoryStore(), describe, it });

describe("MemoryStore specifics", () => {
  it("evicts the least recently used key when full", () => {
    const store = new MemoryStore({ max: 2 });
    store.set("a", 1);
    store.set("b", 2);
    store.get("a");
    store.set("c", 3);
    expect([store.get("a"), store.get("b"), store.get("c")]).toEqual([1, undefined, 3]);
  });

  it("rejects bad options and ttls with errors naming them", () => {
    expect(() => new MemoryStore({ max: 0 })).toThrow(/max must be a positive integer/);
    const store = new MemoryStore();
    expect(() => store.set("k", 1, -5)).toThrow(RangeError);
    expect(() => store.increment("k", Number.NaN, 100)).toThrow(/by must be a finite number/);
  });

  it("the suite reports a store that breaks the contract", async () => {
    // A store that hands out its internal object: the copy case must fail.
    const leaky = new Map<string, unknown>();
    const store = {
      get: (k: string) => leaky.get(k),
      set: (k: string, v: unknown) => void leaky.set(k, v),
      delete: (k: string) => void leaky.delete(k),
    };
    const failures: string[] = [];
    const tests: Array<Promise<void>> = [];
    runStoreSuite({
      create: () => store,
      describe: (_name, body) => body(),
      it: (name, body) => {
        tests.push(body().catch(() => void failures.push(name)));
      },
      atomic: false,
      locking: false,
    });
    await Promise.all(tests);
    expect(failures).toContain(
      "returns copies: mutating what was written or read does not change the store",
    );
    expect(failures).toContain("expires a value after ttlMs; a later set without ttlMs keeps it");
  });
});
