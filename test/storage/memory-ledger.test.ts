import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../../src/middleware/index.js";
import { MemoryLedger } from "../../src/storage/index.js";

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

describe("MemoryLedger pins connected sessions", () => {
  it("a session past its TTL is not resumed, even right after it was the last one used", async () => {
    const ledger = new MemoryLedger({ ...DEFAULT_LIMITS, sessionTtlMs: 30 });
    const { session } = ledger.open({});
    expect(ledger.claim(session, "m1").state).toBe("new"); // the last session the ledger saw
    await new Promise((resolve) => setTimeout(resolve, 60));
    const again = ledger.open({ session });
    expect(again.resumed).toBe(false);
    expect(again.session).not.toBe(session);
    expect(() => ledger.append(session, () => "x")).toThrow(/session/i);
  });

  it("a session kept busy stays alive past its TTL, though no other session is used", async () => {
    // A TTL far above the gaps between uses, so a busy machine's timer delays cannot make a
    // gap exceed it; the session is used until it has lived 1.5 TTLs.
    const ttl = 400;
    const ledger = new MemoryLedger({ ...DEFAULT_LIMITS, sessionTtlMs: ttl });
    const { session } = ledger.open({});
    const opened = Date.now();
    let i = 0;
    while (Date.now() - opened < ttl * 1.5) {
      expect(ledger.claim(session, `m${i}`).state).toBe("new");
      ledger.append(session, encode(`reply ${i}`));
      ledger.settle(session, `m${i}`, [i + 1]);
      i++;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(ledger.open({ session, lastSeq: i }).resumed).toBe(true);
  });

  it("does not evict a pinned session under byte pressure, and lets it go once unpinned", () => {
    const ledger = new MemoryLedger({ ...DEFAULT_LIMITS, ledgerBytes: 20_000 });
    const big = "x".repeat(1000);
    const connected = ledger.open({}).session;
    ledger.append(connected, encode(big));
    ledger.pin(connected);
    const others = Array.from({ length: 10 }, () => {
      const { session } = ledger.open({});
      for (let i = 0; i < 3; i++) ledger.append(session, encode(big));
      return session;
    });
    expect(ledger.has(others[0] as string)).toBe(false);
    // The connected session survived and still replays its outbox.
    expect(ledger.has(connected)).toBe(true);
    expect(ledger.append(connected, encode("still here")).seq).toBe(2);
    expect(ledger.open({ session: connected, lastSeq: 0 }).replay.map((e) => e.seq)).toEqual([
      1, 2,
    ]);
    ledger.unpin(connected);
    for (let n = 0; n < 10; n++) {
      const { session } = ledger.open({});
      for (let i = 0; i < 3; i++) ledger.append(session, encode(big));
    }
    expect(ledger.has(connected)).toBe(false);
  });

  it("the bot pins the session of a live connection", async () => {
    const { Bot } = await import("../../src/index.js");
    const { createTestClient } = await import("../../src/testing/index.js");
    const ledger = new MemoryLedger({ ...DEFAULT_LIMITS, ledgerBytes: 4_000 });
    const bot = new Bot({ ledger });
    bot.on("message", (ctx) => ctx.reply("y".repeat(500)));
    const idle = createTestClient(bot);
    await idle.send("hi");
    // Other clients fill the ledger far beyond its budget.
    for (let i = 0; i < 10; i++) {
      const other = createTestClient(bot);
      for (let j = 0; j < 3; j++) await other.send("fill");
      await other.close();
    }
    // The idle but connected client is still in its session.
    const [reply] = await idle.send("again");
    expect(reply?.text).toHaveLength(500);
    expect(idle.closed).toBeUndefined();
    await bot.stop();
  });
});
