import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../../src/core/limits.js";
import { MemoryLedger } from "../../src/storage/memory-ledger.js";

// The dedup window evicts the oldest remembered id. MemoryLedger keeps a live iterator for
// that instead of calling `seen.keys()` per claim; this checks it against the plain model.
describe("MemoryLedger dedup window", () => {
  it("evicts exactly like a Map evicting its first key, with releases and retries mixed in", () => {
    const window = 7;
    const ledger = new MemoryLedger({ ...DEFAULT_LIMITS, dedupWindow: window });
    const { session } = ledger.open({});
    const model = new Map<string, boolean>();
    // A deterministic pseudo-random walk over a small id space, so ids repeat often.
    let x = 12345;
    const rand = (n: number) => {
      x = (x * 1103515245 + 12345) % 2147483648;
      return x % n;
    };
    for (let step = 0; step < 5000; step++) {
      const id = `m${rand(20)}`;
      if (rand(10) === 0) {
        ledger.release(session, id);
        if (model.get(id) === false) model.delete(id);
        continue;
      }
      const claim = ledger.claim(session, id);
      const known = model.get(id);
      expect(claim.state).toBe(known === undefined ? "new" : known ? "done" : "pending");
      if (known === undefined) {
        model.set(id, false);
        if (model.size > window) model.delete(model.keys().next().value as string);
        if (rand(2) === 0) {
          ledger.settle(session, id, []);
          model.set(id, true);
        }
      }
    }
  });

  it("a released and re-claimed id is not forgotten early through its old slot", () => {
    const ledger = new MemoryLedger({ ...DEFAULT_LIMITS, dedupWindow: 3 });
    const { session } = ledger.open({});
    expect(ledger.claim(session, "a").state).toBe("new");
    ledger.release(session, "a"); // the handler failed before replying: a retry may run it
    expect(ledger.claim(session, "a").state).toBe("new"); // the retry
    ledger.settle(session, "a", []);
    expect(ledger.claim(session, "b").state).toBe("new");
    // Takes the slot the first claim of "a" had: that must not evict the retry's claim.
    expect(ledger.claim(session, "c").state).toBe("new");
    expect(ledger.claim(session, "a").state).toBe("done");
  });

  it("forgets the first id after dedupWindow newer ones", () => {
    const ledger = new MemoryLedger({ ...DEFAULT_LIMITS, dedupWindow: 2 });
    const { session } = ledger.open({});
    for (const id of ["a", "b", "c"]) ledger.claim(session, id);
    expect(ledger.claim(session, "a").state).toBe("new");
    expect(ledger.claim(session, "c").state).toBe("pending");
  });
});
