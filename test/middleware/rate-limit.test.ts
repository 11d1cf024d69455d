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

  it("closes with 4429 a client that keeps sending after it was told to wait", async () => {
    // The clock is faked so "after the refusal reached the client" is exact.
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const bot = new Bot();
      bot.use(rateLimit({ limit: 2, windowMs: 60_000, maxViolations: 3 }));
      bot.on("message", (ctx) => ctx.reply("ok"));
      const client = createTestClient(bot);
      const codes: string[] = [];
      for (let i = 0; i < 8 && client.closed === undefined; i++) {
        for (const m of await client.send(`m${i}`)) codes.push(m.code ?? m.text ?? "");
        vi.setSystemTime(Date.now() + 1500); // well after each refusal, well inside the wait
      }
      // m2 is the first refusal; m3, m4 and m5 ignore it — the third of those closes.
      expect(codes).toEqual(["ok", "ok", ...Array(4).fill("rate_limited")]);
      expect(client.closed?.code).toBe(4429);
      await bot.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it("refuses and paces, but never closes, a burst sent before any refusal arrived", async () => {
    // A BotClient re-sending its offline queue after a reconnect looks like this.
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const bot = new Bot();
      bot.use(rateLimit({ limit: 2, windowMs: 60_000, maxViolations: 3 }));
      bot.on("message", (ctx) => ctx.reply("ok"));
      const client = createTestClient(bot);
      const replies = await Promise.all(Array.from({ length: 12 }, (_, i) => client.send(`m${i}`)));
      const codes = replies.map((r) => r[0]?.code ?? r[0]?.text);
      expect(codes.filter((c) => c === "ok")).toHaveLength(2);
      expect(codes.filter((c) => c === "rate_limited")).toHaveLength(10);
      expect(client.closed).toBeUndefined();
      // Honouring retryAfterMs: after the wait the client goes on, still not closed.
      vi.setSystemTime(Date.now() + 60_001);
      expect((await client.send("later"))[0]?.text).toBe("ok");
      expect(client.closed).toBeUndefined();
      await bot.stop();
    } finally {
      vi.useRealTimers();
    }
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
