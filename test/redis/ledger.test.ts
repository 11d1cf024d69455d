import { Redis } from "ioredis";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { RedisLedger } from "../../src/redis/ledger.js";
import { runLedgerSuite } from "../../src/testing/index.js";
import { skipWithoutRedis } from "../helpers/redis-available.js";

const skipRedis = await skipWithoutRedis("RedisLedger suite");
const clients: Redis[] = [];
afterAll(() => {
  for (const c of clients) c.disconnect();
});

const encode = (text: string) => (seq: number) => JSON.stringify({ type: "message", seq, text });

describe.skipIf(skipRedis)("RedisLedger", () => {
  runLedgerSuite({
    name: "ledger conformance: RedisLedger",
    create: (limits) => {
      const redis = new Redis({ host: "127.0.0.1", port: 6379 });
      clients.push(redis);
      return new RedisLedger(redis, {
        prefix: `test:${Math.random().toString(36).slice(2)}:`,
        limits,
        claimLeaseMs: 60_000,
      });
    },
    describe,
    it,
  });
});

describe.skipIf(skipRedis)("RedisLedger specifics", () => {
  // Claim leases are judged by the clock of the node that claims (Date.now() goes to Redis),
  // so these tests move a fake clock instead of sleeping: a busy machine cannot stretch a gap.
  const clock = {
    start: () => vi.useFakeTimers({ toFake: ["Date"] }),
    advance: (ms: number) => vi.setSystemTime(Date.now() + ms),
  };
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A ledger of its own (fresh key prefix) with a short claim lease. */
  const leased = (claimLeaseMs: number) => {
    const redis = new Redis({ host: "127.0.0.1", port: 6379 });
    clients.push(redis);
    const prefix = `test:${Math.random().toString(36).slice(2)}:`;
    return { redis, prefix, ledger: new RedisLedger(redis, { prefix, claimLeaseMs }) };
  };

  it("lets another node take over a claim whose lease expired", async () => {
    clock.start();
    const { ledger } = leased(50);
    const { session } = await ledger.open({});
    expect(await ledger.claim(session, "x")).toEqual({ state: "new" });
    clock.advance(49);
    expect(await ledger.claim(session, "x")).toEqual({ state: "pending" });
    clock.advance(1);
    expect(await ledger.claim(session, "x")).toEqual({ state: "new" });
  });

  it("takes over the claim of a node that died after replying as done, with those replies", async () => {
    clock.start();
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
    clock.advance(50);
    // The next node replays instead of running the handler again — and keeps saying so.
    const done = { state: "done", replies: [first, second] };
    expect(await ledger.claim(session, "x")).toEqual(done);
    expect(await ledger.claim(session, "x")).toEqual(done);
  });

  describe("renewClaim", () => {
    const setClock = (start: number, ms: number) => vi.setSystemTime(start + ms);

    it("exposes its lease", () => {
      expect(leased(1234).ledger.claimLeaseMs).toBe(1234);
    });

    it("keeps a renewed claim pending past its original deadline, until the new one", async () => {
      clock.start();
      const { ledger } = leased(300);
      const { session } = await ledger.open({});
      const start = Date.now();
      expect(await ledger.claim(session, "x")).toEqual({ state: "new" });
      setClock(start, 200);
      await ledger.renewClaim(session, "x");
      // The original deadline (start + 300) has passed; the renewed one (≥ start + 500) has not.
      setClock(start, 380);
      expect(await ledger.claim(session, "x")).toEqual({ state: "pending" });
      // Renewal is a lease, not a lock: without more renewals the claim expires again.
      setClock(start, 600);
      expect(await ledger.claim(session, "x")).toEqual({ state: "new" });
    });

    it("leaves settled claims alone and never creates a claim", async () => {
      const { ledger, redis, prefix } = leased(50);
      const { session } = await ledger.open({});
      expect(await ledger.claim(session, "x")).toEqual({ state: "new" });
      const reply = await ledger.append(session, encode("answer"), "x");
      await ledger.settle(session, "x", [reply.seq]);
      await ledger.renewClaim(session, "x");
      expect(await redis.hget(`${prefix}{${session}}:seen`, "x")).toBe(`[${reply.seq}]`);
      expect(await ledger.claim(session, "x")).toEqual({ state: "done", replies: [reply] });

      await ledger.renewClaim(session, "ghost");
      expect(await redis.hexists(`${prefix}{${session}}:seen`, "ghost")).toBe(0);
      expect(await ledger.claim(session, "ghost")).toEqual({ state: "new" });
    });

    it("keeps the reply seqs recorded with the claim", async () => {
      clock.start();
      const { ledger } = leased(300);
      const { session } = await ledger.open({});
      const start = Date.now();
      expect(await ledger.claim(session, "x")).toEqual({ state: "new" });
      const first = await ledger.append(session, encode("one"), "x");
      const second = await ledger.append(session, encode("two"), "x");
      setClock(start, 200);
      await ledger.renewClaim(session, "x");
      setClock(start, 380);
      expect(await ledger.claim(session, "x")).toEqual({ state: "pending" });
      // Its node "dies": after the renewed lease, the takeover replays both replies.
      setClock(start, 600);
      expect(await ledger.claim(session, "x")).toEqual({
        state: "done",
        replies: [first, second],
      });
    });
  });

  it("keeps a session's keys under <prefix>{<session>}:…, rooms and users under their own tags", async () => {
    const { ledger, redis, prefix } = leased(60_000);
    const { session } = await ledger.open({ owner: "ann" });
    await ledger.claim(session, "x");
    await ledger.append(session, encode("answer"), "x");
    await ledger.join(session, "hall");
    const keys = (await redis.keys(`${prefix}*`)).map((key) => key.slice(prefix.length)).sort();
    expect(keys).toEqual(
      [
        `{${session}}:out`,
        `{${session}}:rooms`,
        `{${session}}:seen`,
        `{${session}}:seenq`,
        `{${session}}:sess`,
        "room:{hall}",
        "user:{ann}",
      ].sort(),
    );
    await redis.del(...keys.map((key) => prefix + key));
  });

  it("rejects bad options", () => {
    const redis = {} as Redis;
    expect(() => new RedisLedger(redis, { claimLeaseMs: 0 })).toThrow(RangeError);
  });
});
