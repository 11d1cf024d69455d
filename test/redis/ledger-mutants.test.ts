import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../../src/core/limits.js";
import { RedisLedger } from "../../src/redis/ledger.js";
import { redisFixture, skipWithoutRedis } from "../helpers/redis-available.js";

// RedisLedger beyond the conformance suite: its option checks and defaults, the ids it
// never sends to Redis, and the key layout it writes.

const skip = await skipWithoutRedis("RedisLedger options and defaults");
const prefix = `test:${randomUUID()}:`;
const fixture = redisFixture(prefix);
afterAll(() => fixture.cleanup());

const encode = (text: string) => (seq: number) => JSON.stringify({ type: "message", seq, text });

/** A client that must not be called. */
const untouchable = new Proxy(
  {},
  {
    get(_target, name) {
      throw new Error(`Redis was called (${String(name)})`);
    },
  },
) as Redis;

describe("RedisLedger options", () => {
  it("names the option that is not a positive integer", () => {
    const cases = [
      [{ limits: { sessionTtlMs: 0 } }, "ttl must be a positive integer, got 0"],
      [{ limits: { outboxMessages: 1.5 } }, "maxOutbox must be a positive integer, got 1.5"],
      [{ limits: { dedupWindow: -1 } }, "window must be a positive integer, got -1"],
      [{ claimLeaseMs: 0 }, "lease must be a positive integer, got 0"],
      [{ claimLeaseMs: 2.5 }, "lease must be a positive integer, got 2.5"],
    ] as const;
    for (const [options, message] of cases) {
      expect(() => new RedisLedger({} as Redis, options)).toThrow(
        new RangeError(`RedisLedger: ${message}`),
      );
    }
    const ones = { sessionTtlMs: 1, outboxMessages: 1, dedupWindow: 1 };
    expect(new RedisLedger({} as Redis, { limits: ones, claimLeaseMs: 1 }).claimLeaseMs).toBe(1);
  });

  it("names itself when commandTimeoutMs is wrong", () => {
    expect(() => new RedisLedger({} as Redis, { commandTimeoutMs: 0 })).toThrow(
      /^RedisLedger: options\.commandTimeoutMs must be/,
    );
  });

  it("holds a claim 10 s unless told otherwise", () => {
    expect(new RedisLedger({} as Redis).claimLeaseMs).toBe(10_000);
  });
});

describe.skipIf(skip)("RedisLedger defaults", () => {
  it('keeps keys under "botwire:" for the default limits', async () => {
    const redis = fixture.client();
    const ledger = new RedisLedger(redis);
    const { session } = await ledger.open({});
    const sess = `botwire:{${session}}:sess`;
    try {
      expect(await redis.exists(sess)).toBe(1);
      const ttl = await redis.pttl(sess);
      expect(ttl).toBeGreaterThan(DEFAULT_LIMITS.sessionTtlMs - 60_000);
      expect(ttl).toBeLessThanOrEqual(DEFAULT_LIMITS.sessionTtlMs);
    } finally {
      await redis.del(...(await redis.keys(`botwire:{${session}}:*`)));
    }
  });

  it(`keeps ${DEFAULT_LIMITS.outboxMessages} unacked messages by default, then reports a gap`, async () => {
    const redis = fixture.client();
    const ledger = new RedisLedger(redis, { prefix });
    const { session } = await ledger.open({});
    const max = DEFAULT_LIMITS.outboxMessages;
    for (let i = 0; i < max; i++) await ledger.append(session, encode(`m${i}`));
    const full = await ledger.open({ session, lastSeq: 0 });
    expect({ gap: full.gap, replayed: full.replay.length }).toEqual({ gap: false, replayed: max });
    await ledger.append(session, encode("one more"));
    const over = await ledger.open({ session, lastSeq: 0 });
    expect({ gap: over.gap, replayed: over.replay.length }).toEqual({ gap: true, replayed: max });
  });

  it(`remembers ${DEFAULT_LIMITS.dedupWindow} message ids by default`, async () => {
    const redis = fixture.client();
    const ledger = new RedisLedger(redis, { prefix });
    const { session } = await ledger.open({});
    const window = DEFAULT_LIMITS.dedupWindow;
    for (let i = 0; i <= window; i++) {
      await ledger.claim(session, `id${i}`);
      await ledger.settle(session, `id${i}`, []);
    }
    // id0 was pushed out by the window's worth of newer ids; id1 is still known.
    expect(await ledger.claim(session, "id1")).toEqual({ state: "done", replies: [] });
    expect(await ledger.claim(session, "id0")).toEqual({ state: "new" });
  });
});

describe("RedisLedger session ids", () => {
  it("treats an empty id or one with a brace as unknown without asking Redis", async () => {
    const ledger = new RedisLedger(untouchable);
    for (const id of ["", "{x}", "a}b", "a{b"]) expect(await ledger.has(id)).toBe(false);
  });

  it.skipIf(skip)("opens a new session for a hello naming an impossible id", async () => {
    const ledger = new RedisLedger(fixture.client(), { prefix });
    for (const id of ["", "{x}"]) {
      const opened = await ledger.open({ session: id, lastSeq: 3 });
      expect(opened).toMatchObject({ resumed: false, seq: 0, gap: false, replay: [] });
      expect(opened.session).not.toBe(id);
      expect(await ledger.has(opened.session)).toBe(true);
    }
  });
});

describe.skipIf(skip)("RedisLedger", () => {
  it("refuses a frame without a seq field to fill in", async () => {
    const ledger = new RedisLedger(fixture.client(), { prefix });
    const { session } = await ledger.open({});
    await expect(ledger.append(session, () => '{"type":"message"}')).rejects.toThrow(
      new Error("RedisLedger: encoded frame has no seq field"),
    );
  });

  it("indexes a session under its owner only when it has one", async () => {
    const redis = fixture.client();
    const own = `${prefix}owners-${randomUUID()}:`;
    const ledger = new RedisLedger(redis, { prefix: own });
    const owner = `u-${randomUUID()}`;
    const mine = await ledger.open({ owner });
    const anonymous = await ledger.open({});
    expect(await ledger.sessionsOf(owner)).toEqual([mine.session]);
    expect((await redis.keys(`${own}user:*`)).sort()).toEqual([`${own}user:{${owner}}`]);
    expect(await redis.hgetall(`${own}{${anonymous.session}}:sess`)).toEqual({
      owner: "",
      seq: "0",
      lost: "0",
    });
    // A resume refreshes the owner's index (it expires with the sessions' TTL)...
    await redis.pexpire(`${own}user:{${owner}}`, 60_000);
    const again = await ledger.open({ session: mine.session, owner, lastSeq: 0 });
    expect(again.resumed).toBe(true);
    expect(await redis.pttl(`${own}user:{${owner}}`)).toBeGreaterThan(60_000);
    expect(await ledger.sessionsOf(owner)).toEqual([mine.session]);
    // ...and an anonymous resume touches no index, not even that of a user whose id is "".
    await redis.sadd(`${own}user:{}`, "x");
    await redis.pexpire(`${own}user:{}`, 60_000);
    expect((await ledger.open({ session: anonymous.session, lastSeq: 0 })).resumed).toBe(true);
    expect(await redis.pttl(`${own}user:{}`)).toBeLessThanOrEqual(60_000);
  });

  it("fails an append to a session that is gone with SessionLostError", async () => {
    const ledger = new RedisLedger(fixture.client(), { prefix });
    await expect(ledger.append("0123456789abcdef", encode("x"))).rejects.toMatchObject({
      name: "SessionLostError",
    });
  });

  it("acks by dropping every outbox entry up to the seq", async () => {
    const redis = fixture.client();
    const ledger = new RedisLedger(redis, { prefix });
    const { session } = await ledger.open({});
    for (const text of ["a", "b", "c"]) await ledger.append(session, encode(text));
    await ledger.ack(session, 2);
    expect(
      await redis.zrangebyscore(`${prefix}{${session}}:out`, "-inf", "+inf", "WITHSCORES"),
    ).toEqual(['{"type":"message","seq":3,"text":"c"}', "3"]);
  });

  it("passes no reply-to as '' (the script's 'none'): a push is no reply of any claim", async () => {
    const redis = fixture.client();
    const evals: unknown[][] = [];
    const spy = new Proxy(redis, {
      get(target, key) {
        const value = Reflect.get(target, key);
        if (key === "eval") {
          return (...args: unknown[]) => {
            evals.push(args);
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const ledger = new RedisLedger(spy, { prefix });
    const { session } = await ledger.open({});
    evals.length = 0;
    await ledger.append(session, encode("push"));
    await ledger.append(session, encode("reply"), "m1");
    // eval(script, 4 keys, …keys, prefix, suffix, max, ttl, replyTo, floor)
    expect(evals.map((args) => args[10])).toEqual(["", "m1"]);
  });

  it("reports a gap to a client behind a range a failover lost, though older entries remain", async () => {
    const redis = fixture.client();
    const ledger = new RedisLedger(redis, { prefix });
    const { session } = await ledger.open({});
    for (let n = 1; n <= 5; n++) await ledger.append(session, encode(`reply ${n}`));
    // A promoted replica that missed the last three writes.
    await redis.hset(`${prefix}{${session}}:sess`, "seq", 2);
    await redis.zremrangebyscore(`${prefix}{${session}}:out`, 3, "+inf");
    expect((await ledger.append(session, encode("after"))).seq).toBe(6);
    // Entries 1 and 2 are still there, so the replay starts right after lastSeq 0; 3–5 are gone.
    const start = await ledger.open({ session, lastSeq: 0 });
    expect(start.replay.map((e) => e.seq)).toEqual([1, 2, 6]);
    expect(start.gap).toBe(true);
  });

  it("puts each reply's seq into its frame and replays exactly the frames stored", async () => {
    const ledger = new RedisLedger(fixture.client(), { prefix });
    const { session } = await ledger.open({});
    const a = await ledger.append(session, encode("a"));
    const b = await ledger.append(session, (seq) => `{"type":"message","seq":${seq},"x":"y"}`);
    expect(a).toEqual({ seq: 1, frame: '{"type":"message","seq":1,"text":"a"}' });
    expect(b).toEqual({ seq: 2, frame: '{"type":"message","seq":2,"x":"y"}' });
    const resumed = await ledger.open({ session, lastSeq: 0 });
    expect(resumed.replay).toEqual([a, b]);
    expect(resumed).toMatchObject({ resumed: true, seq: 2, gap: false });
  });
});
