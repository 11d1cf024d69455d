import { randomUUID } from "node:crypto";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { Bot, type Context, MemoryStore, type SessionFlavor, session } from "../../src/index.js";
import { RedisStore } from "../../src/redis/index.js";
import { createTestClient } from "../../src/testing/index.js";
import { redisFixture, skipWithoutRedis } from "../helpers/redis-available.js";

type Ctx = Context & SessionFlavor<{ name?: string }>;

const skip = await skipWithoutRedis("session expiry on Redis");
const prefix = `botwire-test:${randomUUID()}:`;
const redis = redisFixture(prefix);
afterAll(() => redis.cleanup());
afterEach(() => {
  vi.useRealTimers();
});

function nameBot(store: RedisStore | MemoryStore, sessionTtlMs = 60_000) {
  const bot = new Bot<Ctx>({ store, limits: { sessionTtlMs }, logger: false });
  bot.use(session({ initial: () => ({}) }));
  bot.command("name", (ctx) => {
    ctx.session.name = ctx.command.args;
    return ctx.reply("saved");
  });
  bot.on("message", (ctx) => ctx.reply(`name: ${ctx.session.name ?? "?"}`));
  return bot;
}

describe.skipIf(skip)("anonymous session data lives as long as its protocol session", () => {
  it("expires with the protocol session in a shared store (no data kept forever)", async () => {
    const client = redis.client();
    const bot = nameBot(new RedisStore(client, { prefix }));
    const user = createTestClient(bot);
    await user.send("/name Ada");
    const key = `${prefix}kv:${user.session}`;
    const ttl = await client.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    await bot.stop();
  });

  it("is renewed by use: unchanged data is written back once half its lifetime has passed", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const client = redis.client();
    const bot = nameBot(new RedisStore(client, { prefix }));
    const user = createTestClient(bot);
    await user.send("/name Ada");
    const key = `${prefix}kv:${user.session}`;
    const stamped = () =>
      client.hget(key, "d").then((d) => (JSON.parse(d ?? "{}") as { at?: number }).at);
    const first = await stamped();
    vi.setSystemTime(Date.now() + 10_000); // a sixth of the TTL: nothing to renew
    expect((await user.send("hi"))[0]?.text).toBe("name: Ada");
    expect(await stamped()).toBe(first);
    vi.setSystemTime(Date.now() + 25_000); // past half: the read renews it
    expect((await user.send("hi"))[0]?.text).toBe("name: Ada");
    expect(await stamped()).toBeGreaterThan(first ?? 0);
    await bot.stop();
  });

  it("leaves data keyed by a user (or with an explicit ttlMs) as configured", async () => {
    const client = redis.client();
    const bot = new Bot<Ctx>({ store: new RedisStore(client, { prefix }), logger: false });
    bot.use(async (ctx, next) => {
      ctx.user = { id: "ada" };
      await next();
    });
    bot.use(session({ initial: () => ({}) }));
    bot.on("message", (ctx) => {
      ctx.session.name = "Ada";
      return ctx.reply("ok");
    });
    await createTestClient(bot).send("hi");
    expect(await client.pttl(`${prefix}kv:user:ada`)).toBe(-1); // no expiry: the user's own data
    await bot.stop();
  });
});

describe("the default MemoryStore keeps as many sessions as the ledger", () => {
  it("holds more than 10 000 keys (the ledger resumes up to 100 000 sessions)", () => {
    const store = new MemoryStore();
    for (let i = 0; i < 10_001; i++) store.set(`k${i}`, i);
    expect(store.get("k0")).toBe(0);
  });
});
