import { describe, expect, it, vi } from "vitest";
import { Bot, MemoryStore, rateLimit } from "../../src/index.js";
import { createTestClient } from "../../src/testing/index.js";

describe("rateLimit()", () => {
  it("refuses messages over the limit with rate_limited and retryAfterMs", async () => {
    const bot = new Bot();
    let handled = 0;
    bot.use(rateLimit({ limit: 3, windowMs: 60_000 }));
    bot.on("message", (ctx) => {
      handled++;
      return ctx.reply("ok");
    });
    const client = createTestClient(bot);
    for (let i = 0; i < 3; i++) expect((await client.send(`m${i}`))[0]?.text).toBe("ok");
    const [refused] = await client.send("m3");
    expect(refused).toMatchObject({ type: "error", code: "rate_limited" });
    expect(refused?.retryAfterMs).toBeGreaterThan(0);
    expect(refused?.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(handled).toBe(3);
    // Per connection by default: another client has its own budget.
    expect((await createTestClient(bot).send("hi"))[0]?.text).toBe("ok");
    await bot.stop();
  });

  it("closes a client that keeps going with 4429", async () => {
    const bot = new Bot();
    bot.use(rateLimit({ limit: 2, windowMs: 60_000, maxViolations: 3 }));
    bot.on("message", (ctx) => ctx.reply("ok"));
    const client = createTestClient(bot);
    const codes: string[] = [];
    for (let i = 0; i < 5 && client.closed === undefined; i++) {
      for (const m of await client.send(`m${i}`)) codes.push(m.code ?? m.text ?? "");
    }
    expect(codes).toEqual(["ok", "ok", "rate_limited", "rate_limited", "rate_limited"]);
    expect(client.closed?.code).toBe(4429);
    await bot.stop();
  });

  it("key 'user' shares one budget across a user's connections", async () => {
    const bot = new Bot();
    bot.use(async (ctx, next) => {
      ctx.user = { id: "u1" };
      await next();
    });
    bot.use(rateLimit({ limit: 2, windowMs: 60_000, key: "user", store: new MemoryStore() }));
    bot.on("message", (ctx) => ctx.reply("ok"));
    const a = createTestClient(bot);
    const b = createTestClient(bot);
    expect((await a.send("1"))[0]?.text).toBe("ok");
    expect((await b.send("2"))[0]?.text).toBe("ok");
    expect((await a.send("3"))[0]?.code).toBe("rate_limited");
    await bot.stop();
  });

  it("opens a new window after windowMs; connect updates are not counted", async () => {
    // The clock is faked: on a busy machine real time could end the window between "1" and "2".
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const bot = new Bot();
      bot.use(rateLimit({ limit: 1, windowMs: 40 }));
      bot.on("connect", () => undefined);
      bot.on("message", (ctx) => ctx.reply("ok"));
      const client = createTestClient(bot);
      expect((await client.send("1"))[0]?.text).toBe("ok");
      vi.setSystemTime(Date.now() + 39);
      expect((await client.send("2"))[0]?.code).toBe("rate_limited");
      vi.setSystemTime(Date.now() + 1);
      expect((await client.send("3"))[0]?.text).toBe("ok");
      await bot.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it("rejects bad options at the factory", () => {
    expect(() => rateLimit({ limit: 0, windowMs: 1000 })).toThrow(/limit/);
    expect(() => rateLimit({ limit: 1, windowMs: 1.5 })).toThrow(/windowMs/);
    expect(() => rateLimit({ limit: 1, windowMs: 1000, key: "ip" as never })).toThrow(/key/);
    const plain = { get() {}, set() {}, delete() {} };
    expect(() => rateLimit({ limit: 1, windowMs: 1000, store: plain as never })).toThrow(
      /increment/,
    );
  });
});
