import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_LIMITS, type Ledger, MemoryLedger } from "../../src/index.js";
import { RedisLedger } from "../../src/redis/ledger.js";
import { skipWithoutRedis } from "../helpers/redis-available.js";

const skipRedis = await skipWithoutRedis("RedisLedger suite");
const clients: Redis[] = [];
afterAll(() => {
  for (const c of clients) c.disconnect();
});

const limits = { ...DEFAULT_LIMITS, outboxMessages: 5, dedupWindow: 3 };
const encode = (text: string) => (seq: number) => JSON.stringify({ type: "message", seq, text });

/** One behaviour suite, run by every Ledger implementation. */
function ledgerSuite(name: string, create: () => Ledger, skip = false) {
  describe.skipIf(skip)(`Ledger conformance: ${name}`, () => {
    it("creates sessions with unguessable ids and resumes them with replay after lastSeq", async () => {
      const ledger = create();
      const a = await ledger.open({});
      const b = await ledger.open({});
      expect(a.session).toMatch(/^[0-9a-f]{32}$/);
      expect(a.session).not.toBe(b.session);
      expect(a).toMatchObject({ resumed: false, seq: 0, gap: false, replay: [] });
      for (const t of ["one", "two", "three"]) await ledger.append(a.session, encode(t));
      const resumed = await ledger.open({ session: a.session, lastSeq: 1 });
      expect(resumed).toMatchObject({ session: a.session, resumed: true, seq: 3, gap: false });
      expect(resumed.replay.map((e) => e.seq)).toEqual([2, 3]);
      expect(JSON.parse(resumed.replay[0]?.frame ?? "{}")).toEqual({
        type: "message",
        seq: 2,
        text: "two",
      });
    });

    it("refuses unknown and foreign sessions with a fresh id", async () => {
      const ledger = create();
      const mine = await ledger.open({ owner: "alice" });
      const unknown = await ledger.open({ session: "f".repeat(32) });
      expect(unknown.resumed).toBe(false);
      const stolen = await ledger.open({ session: mine.session, owner: "mallory" });
      expect(stolen.resumed).toBe(false);
      expect(stolen.session).not.toBe(mine.session);
      const anonymous = await ledger.open({ session: mine.session });
      expect(anonymous.resumed).toBe(false);
      expect((await ledger.open({ session: mine.session, owner: "alice" })).resumed).toBe(true);
      expect(await ledger.sessionsOf("alice")).toEqual([mine.session]);
    });

    it("trims on ack and reports a gap when unacked messages were dropped", async () => {
      const ledger = create();
      const { session } = await ledger.open({});
      for (let i = 1; i <= 3; i++) await ledger.append(session, encode(`m${i}`));
      await ledger.ack(session, 2);
      expect((await ledger.open({ session, lastSeq: 2 })).replay.map((e) => e.seq)).toEqual([3]);
      for (let i = 4; i <= 10; i++) await ledger.append(session, encode(`m${i}`));
      // outboxMessages is 5: seqs 3..5 were dropped without an ack.
      const late = await ledger.open({ session, lastSeq: 3 });
      expect(late.gap).toBe(true);
      expect(late.replay.map((e) => e.seq)).toEqual([6, 7, 8, 9, 10]);
      expect((await ledger.open({ session, lastSeq: 9 })).gap).toBe(false);
    });

    it("claims an id once, then replays its replies", async () => {
      const ledger = create();
      const { session } = await ledger.open({});
      expect(await ledger.claim(session, "m1")).toEqual({ state: "new" });
      expect(await ledger.claim(session, "m1")).toEqual({ state: "pending" });
      const reply = await ledger.append(session, encode("answer"));
      await ledger.settle(session, "m1", [reply.seq]);
      expect(await ledger.claim(session, "m1")).toEqual({ state: "done", replies: [reply] });
      expect(await ledger.claim(session, "m2")).toEqual({ state: "new" });
      await ledger.release(session, "m2");
      expect(await ledger.claim(session, "m2")).toEqual({ state: "new" });
    });

    it("forgets the oldest ids beyond the dedup window", async () => {
      const ledger = create();
      const { session } = await ledger.open({});
      for (const id of ["a", "b", "c", "d"]) {
        await ledger.claim(session, id);
        await ledger.settle(session, id, []);
      }
      expect(await ledger.claim(session, "a")).toEqual({ state: "new" });
      expect((await ledger.claim(session, "d")).state).toBe("done");
    });

    it("keeps room membership per session", async () => {
      const ledger = create();
      const a = await ledger.open({});
      const b = await ledger.open({});
      await ledger.join(a.session, "r");
      await ledger.join(b.session, "r");
      await ledger.join(a.session, "r");
      expect((await ledger.members("r")).sort()).toEqual([a.session, b.session].sort());
      expect(await ledger.roomsOf(a.session)).toEqual(["r"]);
      await ledger.leave(b.session, "r");
      expect(await ledger.members("r")).toEqual([a.session]);
      expect(await ledger.has(a.session)).toBe(true);
      expect(await ledger.has("nope")).toBe(false);
    });

    it("assigns seqs atomically under concurrent appends", async () => {
      const ledger = create();
      const { session } = await ledger.open({});
      const entries = await Promise.all(
        Array.from({ length: 20 }, (_, i) => ledger.append(session, encode(`c${i}`))),
      );
      expect(entries.map((e) => e.seq).sort((x, y) => x - y)).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
    });
  });
}

ledgerSuite("MemoryLedger", () => new MemoryLedger(limits));
ledgerSuite(
  "RedisLedger",
  () => {
    const redis = new Redis({ host: "127.0.0.1", port: 6379 });
    clients.push(redis);
    return new RedisLedger(redis, {
      prefix: `test:${Math.random().toString(36).slice(2)}:`,
      limits,
      claimLeaseMs: 60_000,
    });
  },
  skipRedis,
);

describe.skipIf(skipRedis)("RedisLedger specifics", () => {
  /** A ledger of its own (fresh key prefix) with a short claim lease. */
  const leased = (claimLeaseMs: number) => {
    const redis = new Redis({ host: "127.0.0.1", port: 6379 });
    clients.push(redis);
    const prefix = `test:${Math.random().toString(36).slice(2)}:`;
    return { redis, prefix, ledger: new RedisLedger(redis, { prefix, claimLeaseMs }) };
  };

  it("lets another node take over a claim whose lease expired", async () => {
    const { ledger } = leased(50);
    const { session } = await ledger.open({});
    expect(await ledger.claim(session, "x")).toEqual({ state: "new" });
    expect(await ledger.claim(session, "x")).toEqual({ state: "pending" });
    await new Promise((r) => setTimeout(r, 80));
    expect(await ledger.claim(session, "x")).toEqual({ state: "new" });
  });

  it("takes over the claim of a node that died after replying as done, with those replies", async () => {
    const { ledger } = leased(50);
    const { session } = await ledger.open({});
    expect(await ledger.claim(session, "x")).toEqual({ state: "new" });
    // The handler replies twice, then its node dies before settle().
    const first = await ledger.append(session, encode("one"), "x");
    const second = await ledger.append(session, encode("two"), "x");
    await ledger.append(session, encode("a push, not a reply"));
    // A failed-handler release must not drop a claim that already replied.
    await ledger.release(session, "x");
    expect(await ledger.claim(session, "x")).toEqual({ state: "pending" });
    await new Promise((r) => setTimeout(r, 80));
    // The next node replays instead of running the handler again — and keeps saying so.
    const done = { state: "done", replies: [first, second] };
    expect(await ledger.claim(session, "x")).toEqual(done);
    expect(await ledger.claim(session, "x")).toEqual(done);
  });

  describe("renewClaim", () => {
    const sleepUntil = (start: number, ms: number) =>
      new Promise((r) => setTimeout(r, Math.max(0, start + ms - Date.now())));

    it("exposes its lease", () => {
      expect(leased(1234).ledger.claimLeaseMs).toBe(1234);
    });

    it("keeps a renewed claim pending past its original deadline, until the new one", async () => {
      const { ledger } = leased(300);
      const { session } = await ledger.open({});
      const start = Date.now();
      expect(await ledger.claim(session, "x")).toEqual({ state: "new" });
      await sleepUntil(start, 200);
      await ledger.renewClaim(session, "x");
      // The original deadline (start + 300) has passed; the renewed one (≥ start + 500) has not.
      await sleepUntil(start, 380);
      expect(await ledger.claim(session, "x")).toEqual({ state: "pending" });
      // Renewal is a lease, not a lock: without more renewals the claim expires again.
      await sleepUntil(start, 600);
      expect(await ledger.claim(session, "x")).toEqual({ state: "new" });
    });

    it("leaves settled claims alone and never creates a claim", async () => {
      const { ledger, redis, prefix } = leased(50);
      const { session } = await ledger.open({});
      expect(await ledger.claim(session, "x")).toEqual({ state: "new" });
      const reply = await ledger.append(session, encode("answer"), "x");
      await ledger.settle(session, "x", [reply.seq]);
      await ledger.renewClaim(session, "x");
      expect(await redis.hget(`${prefix}seen:${session}`, "x")).toBe(`[${reply.seq}]`);
      expect(await ledger.claim(session, "x")).toEqual({ state: "done", replies: [reply] });

      await ledger.renewClaim(session, "ghost");
      expect(await redis.hexists(`${prefix}seen:${session}`, "ghost")).toBe(0);
      expect(await ledger.claim(session, "ghost")).toEqual({ state: "new" });
    });

    it("keeps the reply seqs recorded with the claim", async () => {
      const { ledger } = leased(300);
      const { session } = await ledger.open({});
      const start = Date.now();
      expect(await ledger.claim(session, "x")).toEqual({ state: "new" });
      const first = await ledger.append(session, encode("one"), "x");
      const second = await ledger.append(session, encode("two"), "x");
      await sleepUntil(start, 200);
      await ledger.renewClaim(session, "x");
      await sleepUntil(start, 380);
      expect(await ledger.claim(session, "x")).toEqual({ state: "pending" });
      // Its node "dies": after the renewed lease, the takeover replays both replies.
      await sleepUntil(start, 600);
      expect(await ledger.claim(session, "x")).toEqual({
        state: "done",
        replies: [first, second],
      });
    });
  });

  it("rejects bad options", () => {
    const redis = {} as Redis;
    expect(() => new RedisLedger(redis, { claimLeaseMs: 0 })).toThrow(RangeError);
  });
});
