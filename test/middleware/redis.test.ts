import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { Bot, type Context, cache, rateLimit } from "../../src/index.js";
import { RedisStore } from "../../src/redis/index.js";
import { createTestClient } from "../../src/testing/index.js";
import { skipWithoutRedis } from "../helpers/redis-available.js";

const skip = await skipWithoutRedis("cache() and rateLimit() on Redis");
const prefix = `botwire-test:${process.pid}:${Date.now()}:`;
const clients: Redis[] = [];

function node(): RedisStore {
  const redis = new Redis({ host: "127.0.0.1", port: 6379, maxRetriesPerRequest: 1 });
  clients.push(redis);
  return new RedisStore(redis, { prefix });
}

/** Two bots, as on two nodes: each with its own Redis client, sharing the same keys. */
function twoBots(install: (bot: Bot<Context>, store: RedisStore) => void) {
  return [new Bot(), new Bot()].map((bot) => {
    bot.use(async (ctx, next) => {
      ctx.user = { id: "u1" };
      await next();
    });
    install(bot, node());
    return bot;
  }) as [Bot, Bot];
}

describe.skipIf(skip)("cache() and rateLimit() across two bots on real Redis", () => {
  afterAll(async () => {
    const [first] = clients;
    if (first !== undefined) {
      const keys = await first.keys(`${prefix}*`);
      if (keys.length > 0) await first.del(...keys);
    }
    for (const c of clients) c.disconnect();
  });

  it("rateLimit: one user's budget is shared by both nodes, atomically", async () => {
    const [a, b] = twoBots((bot, store) => {
      bot.use(rateLimit({ limit: 5, windowMs: 60_000, key: "user", store, maxViolations: 100 }));
      bot.on("message", (ctx) => ctx.reply("ok"));
    });
    const onA = createTestClient(a);
    const onB = createTestClient(b);
    // 12 messages at once, split across the nodes: exactly 5 may pass.
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? onA : onB).send(`m${i}`)),
    );
    const codes = results.map((r) => r[0]?.code ?? r[0]?.text);
    expect(codes.filter((c) => c === "ok")).toHaveLength(5);
    expect(codes.filter((c) => c === "rate_limited")).toHaveLength(7);
    const limited = results.flat().find((m) => m.code === "rate_limited");
    expect(limited?.retryAfterMs).toBeGreaterThan(0);
    await Promise.all([a.stop(), b.stop()]);
  });

  it("cache: a reply cached by one node is replayed by the other", async () => {
    let runs = 0;
    const caches: ReturnType<typeof cache>[] = [];
    const [a, b] = twoBots((bot, store) => {
      const faq = cache({ store, ttlMs: 60_000 });
      caches.push(faq);
      bot.use(faq);
      bot.on("message", (ctx) => ctx.reply({ text: `answer ${++runs}`, data: { n: runs } }));
    });
    const first = await createTestClient(a).send("How much is shipping?");
    const second = await createTestClient(b).send("how much is SHIPPING");
    expect(runs).toBe(1);
    expect(second.map((m) => [m.text, m.data])).toEqual([["answer 1", { n: 1 }]]);
    expect(first[0]?.text).toBe("answer 1");
    expect(caches.map((c) => c.stats)).toEqual([
      { hits: 0, misses: 1, personal: 0 },
      { hits: 1, misses: 0, personal: 0 },
    ]);
    await Promise.all([a.stop(), b.stop()]);
  });
});
