import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { Bot } from "../../src/index.js";
import { DEFAULT_LIMITS } from "../../src/middleware/index.js";
import { RedisBroker, RedisLedger, RedisStore } from "../../src/redis/index.js";
import { skipWithoutRedis } from "../helpers/redis-available.js";
import { connect, start } from "../session/helpers.js";

const skip = await skipWithoutRedis("new Bot({ store: RedisStore }) ledger test");
const clients: Redis[] = [];
afterAll(() => {
  for (const c of clients) c.disconnect();
});

describe.skipIf(skip)("new Bot({ store: new RedisStore(redis) })", () => {
  it("keeps protocol state in Redis too: a client resumes on another node", async () => {
    const prefix = `store-ledger:${Date.now().toString(36)}:`;
    const node = (name: string) => {
      const redis = new Redis({ host: "127.0.0.1", port: 6379 });
      const sub = redis.duplicate();
      clients.push(redis, sub);
      const store = new RedisStore(redis, { prefix });
      expect(store.createLedger(new Bot().limits)).toBeInstanceOf(RedisLedger);
      const bot = new Bot({ store, broker: new RedisBroker(redis, sub, { prefix }) });
      bot.on("message", (ctx) => ctx.reply(`${name}: ${ctx.text}`));
      return bot;
    };
    const a = await start(node("a"));
    const b = await start(node("b"));
    const first = await connect(a.url);
    expect((await first.say("one")).text).toBe("a: one");
    const missed = first.post("two");
    await first.answer(missed);
    await first.close();
    // Resume on b with lastSeq 1: b replays "a: two" from Redis.
    const second = await connect(b.url, { session: first.welcome.session, lastSeq: 1 });
    expect(second.welcome).toMatchObject({ resumed: true, seq: 2 });
    expect(await second.raw.next("message")).toMatchObject({ seq: 2, text: "a: two" });
    // The id handled on a is not handled again on b.
    second.raw.send({ type: "message", id: missed, text: "two" });
    // The replayed reply arrives twice (resume, then dedup); wait for it, not for a fixed time.
    await second.raw.waitFor(
      (frames) => frames.filter((f) => f.type === "message" && f.replyTo === missed).length >= 2,
    );
    expect(
      second.raw.frames.filter((f) => f.type === "message" && f.replyTo === missed),
    ).toHaveLength(2);
    expect(second.raw.frames.some((f) => f.type === "message" && f.text === "b: two")).toBe(false);
    await second.close();
    await a.close();
    await b.close();
  });
});

describe("RedisStore options for its ledger", () => {
  it("passes claimLeaseMs on to the ledger it makes, and checks it", () => {
    const redis = new Redis({ lazyConnect: true });
    clients.push(redis);
    const ledger = new RedisStore(redis, { claimLeaseMs: 1234 }).createLedger(DEFAULT_LIMITS);
    expect(ledger.claimLeaseMs).toBe(1234);
    expect(new RedisStore(redis).createLedger(DEFAULT_LIMITS).claimLeaseMs).toBe(10_000);
    expect(() => new RedisStore(redis, { claimLeaseMs: 0 })).toThrow(RangeError);
    expect(() => new RedisStore(redis, { claimLeaseMs: 1.5 })).toThrow(/claimLeaseMs/);
  });
  it("a connected session stays alive on messages that get no reply, past its TTL", async () => {
    const prefix = `store-ledger-ttl:${Date.now().toString(36)}:`;
    const redis = new Redis({ host: "127.0.0.1", port: 6379 });
    clients.push(redis);
    const bot = new Bot({
      store: new RedisStore(redis, { prefix }),
      limits: { sessionTtlMs: 400 },
    });
    let runs = 0;
    bot.command("quiet", () => void runs++); // a receipt, no bot message
    const server = await start(bot);
    const chat = await connect(server.url);
    for (let i = 0; i < 8; i++) {
      chat.post("/quiet");
      await new Promise((r) => setTimeout(r, 150)); // 1.2 s in all: three TTLs
    }
    await expect.poll(() => runs).toBe(8);
    expect(chat.raw.closed).toBeUndefined();
    await chat.close();
    await server.close();
  });
});
