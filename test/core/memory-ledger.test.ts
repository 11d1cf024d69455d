import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS, MemoryLedger } from "../../src/index.js";

const encode = (text: string) => (seq: number) => JSON.stringify({ type: "message", seq, text });

describe("MemoryLedger memory bounds", () => {
  it("forgets the least recently used sessions when all outboxes together exceed ledgerBytes", () => {
    const ledger = new MemoryLedger({ ...DEFAULT_LIMITS, ledgerBytes: 20_000 });
    const big = "x".repeat(1000);
    const sessions = Array.from({ length: 10 }, () => {
      const { session } = ledger.open({});
      for (let i = 0; i < 3; i++) ledger.append(session, encode(big));
      return session;
    });
    // 10 sessions × ~3 KB > 20 KB: the first sessions were evicted, the recent ones kept.
    expect(ledger.has(sessions[0] as string)).toBe(false);
    expect(ledger.has(sessions[9] as string)).toBe(true);
    expect(ledger.open({ session: sessions[0] as string }).resumed).toBe(false);
    expect(() => ledger.append(sessions[0] as string, encode("late"))).toThrow(/no longer exists/);
  });

  it("drops outbox entries older than outboxAgeMs on append and reports the gap", async () => {
    const ledger = new MemoryLedger({ ...DEFAULT_LIMITS, outboxAgeMs: 20 });
    const { session } = ledger.open({});
    ledger.append(session, encode("old"));
    await new Promise((r) => setTimeout(r, 40));
    ledger.append(session, encode("new"));
    const resumed = ledger.open({ session, lastSeq: 0 });
    expect(resumed.replay.map((e) => e.seq)).toEqual([2]);
    expect(resumed.gap).toBe(true);
  });
});
