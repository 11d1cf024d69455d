import { afterEach, describe, expect, it, vi } from "vitest";
import { Bot, type Context, MemoryStore, rateLimit } from "../../src/index.js";
import type { AtomicStore, Counter } from "../../src/storage/store.js";
import { createTestClient } from "../../src/testing/index.js";

/** Logs every user in as the user named by the token; no token: anonymous. */
function botWith(limiter: ReturnType<typeof rateLimit>) {
  const bot = new Bot();
  bot.use((ctx, next) => {
    const token = (ctx.connection.headers as Record<string, string | undefined>)["x-user"];
    if (token !== undefined) ctx.user = { id: token };
    return next();
  });
  bot.use(limiter);
  bot.on("message", (ctx) => ctx.reply("ok"));
  return bot;
}

/** What each send answered: "ok", or the error code. */
async function outcomes(client: ReturnType<typeof createTestClient>, n: number) {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const [answer] = await client.send(`m${i}`);
    out.push(answer?.text ?? answer?.code ?? "none");
  }
  return out;
}

/** A store that records the keys it counts and answers with a fixed window remainder. */
class RecordingStore implements AtomicStore {
  readonly keys: string[] = [];
  private readonly counts = new Map<string, number>();
  constructor(private readonly ttlMs: number) {}
  increment(key: string, by: number): Counter {
    this.keys.push(key);
    const count = (this.counts.get(key) ?? 0) + by;
    this.counts.set(key, count);
    return { count, ttlMs: this.ttlMs };
  }
  get(key: string) {
    return this.counts.get(key);
  }
  set() {}
  delete() {}
}

afterEach(() => {
  vi.useRealTimers();
});

describe("rateLimit() keys", () => {
  for (const store of [undefined, new MemoryStore()]) {
    const where = store === undefined ? "in-process counters" : "a MemoryStore";
    it(`key "user": each user has a budget of their own (${where})`, async () => {
      const bot = botWith(
        rateLimit({ limit: 2, windowMs: 60_000, key: "user", ...(store && { store }) }),
      );
      const alice = createTestClient(bot, { headers: { "x-user": "alice" } });
      const bob = createTestClient(bot, { headers: { "x-user": "bob" } });
      expect(await outcomes(alice, 3)).toEqual(["ok", "ok", "rate_limited"]);
      expect(await outcomes(bob, 3)).toEqual(["ok", "ok", "rate_limited"]);
      await bot.stop();
    });

    it(`key "user": anonymous clients are limited per connection, not together (${where})`, async () => {
      const bot = botWith(
        rateLimit({ limit: 2, windowMs: 60_000, key: "user", ...(store && { store }) }),
      );
      const first = createTestClient(bot);
      const second = createTestClient(bot);
      expect(await outcomes(first, 3)).toEqual(["ok", "ok", "rate_limited"]);
      expect(await outcomes(second, 3)).toEqual(["ok", "ok", "rate_limited"]);
      await bot.stop();
    });
  }

  it('key "user": a user and an anonymous connection do not share a budget', async () => {
    const store = new RecordingStore(1000);
    const bot = botWith(rateLimit({ limit: 1, windowMs: 60_000, key: "user", store }));
    const alice = createTestClient(bot, { headers: { "x-user": "alice" } });
    const anonymous = createTestClient(bot);
    expect(await outcomes(alice, 1)).toEqual(["ok"]);
    expect(await outcomes(anonymous, 1)).toEqual(["ok"]);
    expect(store.keys[0]).toBe("ratelimit:u:alice");
    expect(store.keys[1]).toMatch(/^ratelimit:c:.+/);
    await bot.stop();
  });

  it('key "connection" (the default) counts under "ratelimit:c:<connection id>"', async () => {
    const store = new RecordingStore(1000);
    const bot = botWith(rateLimit({ limit: 5, windowMs: 60_000, store }));
    const alice = createTestClient(bot, { headers: { "x-user": "alice" } });
    await alice.send("x");
    await createTestClient(bot).send("y");
    expect(store.keys).toHaveLength(2);
    expect(store.keys[0]).toMatch(/^ratelimit:c:.+/);
    expect(store.keys[1]).toMatch(/^ratelimit:c:.+/);
    expect(store.keys[0]).not.toBe(store.keys[1]);
    await bot.stop();
  });

  it("a key function decides who shares a budget, under the given prefix", async () => {
    const store = new RecordingStore(1000);
    const bot = botWith(
      rateLimit<Context>({
        limit: 2,
        windowMs: 60_000,
        store,
        prefix: "rl:",
        key: async (ctx) => `team:${ctx.text?.split(" ")[0]}`,
      }),
    );
    const client = createTestClient(bot);
    const texts = ["red 1", "red 2", "blue 1", "red 3"];
    const out: string[] = [];
    for (const text of texts) {
      const [answer] = await client.send(text);
      out.push(answer?.text ?? answer?.code ?? "none");
    }
    expect(out).toEqual(["ok", "ok", "ok", "rate_limited"]);
    expect(store.keys).toEqual(["rl:team:red", "rl:team:red", "rl:team:blue", "rl:team:red"]);
    await bot.stop();
  });

  it("a key function returning undefined leaves that message unlimited and uncounted", async () => {
    const store = new RecordingStore(1000);
    const bot = botWith(
      rateLimit<Context>({
        limit: 1,
        windowMs: 60_000,
        store,
        key: (ctx) => (ctx.text?.startsWith("free") ? undefined : "all"),
      }),
    );
    const client = createTestClient(bot);
    expect(await outcomes(client, 1)).toEqual(["ok"]);
    for (let i = 0; i < 3; i++) expect((await client.send(`free ${i}`))[0]?.text).toBe("ok");
    expect(store.keys).toEqual(["ratelimit:all"]);
    await bot.stop();
  });
});

describe("rateLimit() retryAfterMs", () => {
  it("is the time left in the window, to the millisecond", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const bot = botWith(rateLimit({ limit: 1, windowMs: 60_000 }));
    const client = createTestClient(bot);
    expect(await outcomes(client, 1)).toEqual(["ok"]);
    vi.setSystemTime(Date.now() + 12_345);
    const [refused] = await client.send("again");
    expect(refused).toMatchObject({ code: "rate_limited", retryAfterMs: 60_000 - 12_345 });
    await bot.stop();
  });

  it("rounds the store's remainder up, and is at least 1 ms", async () => {
    for (const [ttlMs, expected] of [
      [1234.2, 1235],
      [0, 1],
      [0.4, 1],
      [2, 2],
    ] as const) {
      const bot = botWith(
        rateLimit({ limit: 1, windowMs: 60_000, store: new RecordingStore(ttlMs) }),
      );
      const client = createTestClient(bot);
      const answers = await outcomes(client, 1);
      const [refused] = await client.send("again");
      expect(answers).toEqual(["ok"]);
      expect(refused).toMatchObject({ code: "rate_limited", retryAfterMs: expected });
      await bot.stop();
    }
  });
});

describe("rateLimit() options", () => {
  it("names what is wrong", () => {
    const make = rateLimit as (options: unknown) => unknown;
    for (const options of [undefined, null, 5]) {
      expect(() => make(options)).toThrow(
        new TypeError("rateLimit(options): options must be an object with limit and windowMs"),
      );
    }
    expect(() => make({ limit: 1, windowMs: 1000, maxViolations: 0 })).toThrow(
      new RangeError("rateLimit(): maxViolations must be a positive integer, got 0"),
    );
    expect(() => make({ limit: 1, windowMs: 1000, prefix: 5 })).toThrow(
      new TypeError("rateLimit(): prefix must be a string"),
    );
  });

  it('refuses with the message "too many messages"', async () => {
    const bot = botWith(rateLimit({ limit: 1, windowMs: 60_000 }));
    const client = createTestClient(bot);
    await client.send("a");
    expect((await client.send("b"))[0]).toMatchObject({
      code: "rate_limited",
      message: "too many messages",
    });
    await bot.stop();
  });
});
