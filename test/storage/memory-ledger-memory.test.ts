import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../../src/middleware/index.js";
import { MemoryLedger } from "../../src/storage/index.js";

const frame = (bytes: number) => (seq: number) => JSON.stringify({ seq, t: "x".repeat(bytes) });

describe("MemoryLedger: ledgerBytes bounds everything it holds", () => {
  it("counts connected sessions: a client that never acks cannot grow past the cap", () => {
    const ledger = new MemoryLedger({ ...DEFAULT_LIMITS, ledgerBytes: 5_000 });
    const { session } = ledger.open({});
    ledger.pin(session); // connected: the LRU may not forget it
    for (let i = 0; i < 50; i++) ledger.append(session, frame(1_000));
    const resumed = ledger.open({ session, lastSeq: 0 });
    const held = resumed.replay.reduce((sum, entry) => sum + entry.frame.length, 0);
    expect(held).toBeLessThanOrEqual(5_000);
    expect(resumed.replay.at(-1)?.seq).toBe(50); // the newest are kept
    expect(resumed.gap).toBe(true); // and a resume from the start learns what was dropped
  });

  it("trims the worst offender among connected sessions, not the others", () => {
    const ledger = new MemoryLedger({ ...DEFAULT_LIMITS, ledgerBytes: 8_000 });
    const quiet = ledger.open({}).session;
    const greedy = ledger.open({}).session;
    ledger.pin(quiet);
    ledger.pin(greedy);
    for (let i = 0; i < 3; i++) ledger.append(quiet, frame(1_000));
    for (let i = 0; i < 30; i++) ledger.append(greedy, frame(1_000));
    expect(ledger.open({ session: quiet, lastSeq: 0 }).replay).toHaveLength(3);
    expect(ledger.open({ session: greedy, lastSeq: 0 }).gap).toBe(true);
  });

  it("counts dedup windows: idle sessions with full windows are forgotten under the cap", () => {
    const ledger = new MemoryLedger({ ...DEFAULT_LIMITS, dedupWindow: 1000, ledgerBytes: 200_000 });
    const sessions = Array.from({ length: 20 }, () => {
      const { session } = ledger.open({});
      for (let i = 0; i < 1000; i++) ledger.claim(session, `id-${i}`);
      return session;
    });
    // A full window of 1000 ids holds tens of KB: 20 of them do not fit in 200 KB.
    expect(ledger.has(sessions[0] as string)).toBe(false);
    expect(ledger.has(sessions[19] as string)).toBe(true);
    expect(sessions.filter((s) => ledger.has(s)).length).toBeLessThan(20);
  });
});
