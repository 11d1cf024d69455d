import { randomUUID } from "node:crypto";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import {
  Bot,
  type Context,
  MemoryStore,
  SessionConflictError,
  type SessionFlavor,
  session,
} from "../../src/index.js";
import { RedisStore } from "../../src/redis/index.js";
import type { SessionStore, Store } from "../../src/storage/store.js";
import { createTestClient } from "../../src/testing/index.js";
import { redisFixture, skipWithoutRedis } from "../helpers/redis-available.js";

// session() has two paths: a synchronous one for the plain MemoryStore, and a general one
// (await, lease, compare-and-set) for every other store. These tests pin the guarantees of
// the general path, which shared stores such as RedisStore take.

type Counter = Context & SessionFlavor<{ count: number }>;

/** A MemoryStore that is not the plain one: session() takes the general path with it. */
class GeneralStore extends MemoryStore {
  compareAndSetCalls = 0;
  /** When set, compareAndSet refuses every write (another node wrote meanwhile). */
  refuse = false;
  override compareAndSet(key: string, value: unknown, version: string | undefined, ttl?: number) {
    this.compareAndSetCalls++;
    if (this.refuse) return false;
    return super.compareAndSet(key, value, version, ttl);
  }
}

/** A bot that counts messages in its session and records what bot.catch saw. */
function counterBot(store: Store, options: { getKey?: (ctx: Counter) => unknown } = {}) {
  const bot = new Bot<Counter>();
  const errors: unknown[] = [];
  bot.catch((err) => void errors.push(err.error));
  bot.use(
    session({
      initial: () => ({ count: 0 }),
      store,
      ...(options.getKey && { getKey: options.getKey as (ctx: Counter) => string }),
    }),
  );
  bot.hears("peek", (ctx) => ctx.reply("peeked"));
  bot.on("message", (ctx) => ctx.reply(String(++ctx.session.count)));
  return { bot, errors };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("session() on a shared (versioned) store", () => {
  it("fails the update with SessionConflictError when the compare-and-set is refused", async () => {
    const store = new GeneralStore();
    const { bot, errors } = counterBot(store, { getKey: () => "k" });
    const client = createTestClient(bot);
    expect((await client.send("x"))[0]?.text).toBe("1");
    store.refuse = true;
    // The reply goes out; the session write after the chain is refused.
    const replies = await client.send("x");
    expect(replies).toMatchObject([{ text: "2" }, { type: "error", code: "internal" }]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(SessionConflictError);
    // The refused write changed nothing.
    expect(store.get("k")).toEqual({ data: { count: 1 } });
    store.refuse = false;
    expect((await client.send("x"))[0]?.text).toBe("2");
    expect(store.compareAndSetCalls).toBe(3);
    await bot.stop();
  });

  it("writes a new session with compare-and-set against an absent key", async () => {
    const store = new GeneralStore();
    const { bot } = counterBot(store, { getKey: () => "k" });
    const client = createTestClient(bot);
    await store.set("k", { data: { count: 10 } });
    expect((await client.send("x"))[0]?.text).toBe("11");
    expect(store.get("k")).toEqual({ data: { count: 11 } });
    await bot.stop();
  });

  it("does not write when the update did not look at the session, or did not change it", async () => {
    const store = new GeneralStore();
    const bot = new Bot<Counter>();
    bot.use(session({ initial: () => ({ count: 0 }), store, getKey: () => "k" }));
    bot.hears("peek", (ctx) => ctx.reply("peeked"));
    bot.hears("read", (ctx) => ctx.reply(String(ctx.session.count)));
    bot.on("message", (ctx) => ctx.reply(String(++ctx.session.count)));
    const client = createTestClient(bot);
    expect((await client.send("peek"))[0]?.text).toBe("peeked");
    expect((await client.send("read"))[0]?.text).toBe("0");
    expect(store.compareAndSetCalls).toBe(0);
    expect(store.get("k")).toBeUndefined();
    expect((await client.send("+1"))[0]?.text).toBe("1");
    expect((await client.send("read"))[0]?.text).toBe("1");
    expect(store.compareAndSetCalls).toBe(1);
    await bot.stop();
  });

  it("ends a timed-out dialog before the handlers see it", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const store = new GeneralStore();
    const bot = new Bot<Counter>();
    bot.use(session({ initial: () => ({ count: 0 }), store, getKey: () => "k" }));
    bot.command("quiz", (ctx) => ctx.dialog.enter("quiz"));
    bot.dialog(
      "quiz",
      [(ctx) => ctx.reply("question?"), (ctx) => ctx.reply(`answer ${ctx.text}`)],
      {
        timeoutMs: 60_000,
      },
    );
    bot.on("message", (ctx) => ctx.reply(`no dialog (${ctx.dialog.active})`));
    const client = createTestClient(bot);
    expect((await client.send("/quiz"))[0]?.text).toBe("question?");
    vi.setSystemTime(Date.now() + 61_000);
    expect((await client.send("42"))[0]?.text).toBe("no dialog (undefined)");
    expect(store.get("k")).toEqual({ data: { count: 0 } });
    await bot.stop();
  });

  it("keeps a dialog that has not timed out", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const store = new GeneralStore();
    const bot = new Bot<Counter>();
    bot.use(session({ initial: () => ({ count: 0 }), store, getKey: () => "k" }));
    bot.command("quiz", (ctx) => ctx.dialog.enter("quiz"));
    bot.dialog(
      "quiz",
      [(ctx) => ctx.reply("question?"), (ctx) => ctx.reply(`answer ${ctx.text}`)],
      {
        timeoutMs: 60_000,
      },
    );
    bot.on("message", (ctx) => ctx.reply(`no dialog (${ctx.dialog.active})`));
    const client = createTestClient(bot);
    await client.send("/quiz");
    vi.setSystemTime(Date.now() + 59_000);
    expect((await client.send("42"))[0]?.text).toBe("answer 42");
    await bot.stop();
  });
});

describe("session({ getKey })", () => {
  for (const [name, makeStore] of [
    ["the in-memory path", () => new MemoryStore()],
    ["the general path", () => new GeneralStore()],
  ] as const) {
    describe(name, () => {
      it("getKey returning undefined: the handlers run with no session, nothing is stored", async () => {
        const store = makeStore();
        const bot = new Bot<Counter>();
        const errors: unknown[] = [];
        bot.catch((err) => void errors.push(err.error));
        bot.use(
          session({
            initial: () => ({ count: 0 }),
            store,
            getKey: (ctx) => (ctx.text?.startsWith("anon") ? undefined : "k"),
          }),
        );
        bot.hears("anon hello", (ctx) => ctx.reply("hello, stranger"));
        bot.on("message", (ctx) => ctx.reply(String(++ctx.session.count)));
        const client = createTestClient(bot);
        expect((await client.send("x"))[0]?.text).toBe("1");
        expect((await client.send("anon hello"))[0]?.text).toBe("hello, stranger");
        expect(errors).toEqual([]);
        const failed = await client.send("anon count");
        expect(failed).toMatchObject([{ type: "error", code: "internal" }]);
        expect(errors).toHaveLength(1);
        expect(String((errors[0] as Error).message)).toMatch(
          /this update has no session \(session\(\{ getKey \}\) returned undefined\)/,
        );
        expect(store.get("k")).toEqual({ data: { count: 1 } });
        await bot.stop();
      });

      it("an async getKey keys the session by what it resolves to", async () => {
        const store = makeStore();
        const { bot, errors } = counterBot(store, {
          getKey: async (ctx: Counter) => `room:${ctx.text?.split(" ")[0]}`,
        });
        const client = createTestClient(bot);
        expect((await client.send("a 1"))[0]?.text).toBe("1");
        expect((await client.send("a 2"))[0]?.text).toBe("2");
        expect((await client.send("b 1"))[0]?.text).toBe("1");
        expect(errors).toEqual([]);
        expect(store.get("room:a")).toEqual({ data: { count: 2 } });
        expect(store.get("room:b")).toEqual({ data: { count: 1 } });
        await bot.stop();
      });

      it("an async getKey resolving to undefined means no session", async () => {
        const store = makeStore();
        const bot = new Bot<Counter>();
        bot.use(session({ initial: () => ({ count: 0 }), store, getKey: async () => undefined }));
        bot.on("message", (ctx) => ctx.reply(ctx.sessionBinding === null ? "none" : "some"));
        expect((await createTestClient(bot).send("x"))[0]?.text).toBe("none");
        await bot.stop();
      });

      for (const [what, key] of [
        ["an empty string", ""],
        ["a number", 42],
        ["a resolved empty string", Promise.resolve("")],
      ] as const) {
        it(`getKey returning ${what} fails the update with a TypeError that names getKey`, async () => {
          const store = makeStore();
          const { bot, errors } = counterBot(store, { getKey: () => key });
          const replies = await createTestClient(bot).send("x");
          // The connect update fails the same way, with an error frame of its own.
          expect(replies.at(-1)).toMatchObject({ type: "error", code: "internal" });
          expect(replies.at(-1)?.replyTo).toBeDefined();
          expect(errors.length).toBeGreaterThan(0);
          for (const error of errors) {
            expect(error).toBeInstanceOf(TypeError);
            expect((error as Error).message).toBe(
              "session(): getKey must return a non-empty string or undefined",
            );
          }
          expect(store.get("")).toBeUndefined();
          expect(store.get("42")).toBeUndefined();
          await bot.stop();
        });
      }
    });
  }
});

const skipRedis = await skipWithoutRedis("session() conflict tests on Redis");
const prefix = `botwire-test:${randomUUID()}:`;
const redis = redisFixture(prefix);

afterAll(async () => {
  if (!skipRedis) await redis.cleanup();
});

describe.skipIf(skipRedis)("session() on a RedisStore", () => {
  it("refuses a write based on data another node changed meanwhile (SessionConflictError)", async () => {
    const store = new RedisStore(redis.client(), { prefix });
    // Another node, whose lease lapsed, writes without the lock.
    const otherNode = new RedisStore(redis.client(), { prefix });
    const bot = new Bot<Counter>();
    const errors: unknown[] = [];
    bot.catch((err) => void errors.push(err.error));
    bot.use(session({ initial: () => ({ count: 0 }), store, getKey: () => "shared" }));
    bot.hears("race", async (ctx) => {
      ctx.session.count += 1;
      await otherNode.set("shared", { data: { count: 42 } });
      await ctx.reply("raced");
    });
    bot.on("message", (ctx) => ctx.reply(String(++ctx.session.count)));
    const client = createTestClient(bot);
    expect((await client.send("x"))[0]?.text).toBe("1");
    const replies = await client.send("race");
    expect(replies.at(-1)).toMatchObject({ type: "error", code: "internal" });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(SessionConflictError);
    expect(await store.get("shared")).toEqual({ data: { count: 42 } });
    expect((await client.send("x"))[0]?.text).toBe("43");
    await bot.stop();
  });

  it("ends a timed-out dialog, which was stored in Redis, before the handlers see it", async () => {
    const store: SessionStore = new RedisStore(redis.client(), { prefix });
    const bot = new Bot<Counter>();
    bot.use(session({ initial: () => ({ count: 0 }), store, getKey: () => "dialog" }));
    bot.command("quiz", (ctx) => ctx.dialog.enter("quiz"));
    bot.dialog(
      "quiz",
      [(ctx) => ctx.reply("question?"), (ctx) => ctx.reply(`answer ${ctx.text}`)],
      {
        timeoutMs: 60_000,
      },
    );
    bot.on("message", (ctx) => ctx.reply(`no dialog (${ctx.dialog.active})`));
    const client = createTestClient(bot);
    expect((await client.send("/quiz"))[0]?.text).toBe("question?");
    // The dialog last answered 61 s ago (rewritten in the store rather than waiting).
    const stored = (await store.get("dialog")) as { dialog: { at: number } };
    stored.dialog.at -= 61_000;
    await store.set("dialog", stored);
    expect((await client.send("42"))[0]?.text).toBe("no dialog (undefined)");
    expect(await store.get("dialog")).toEqual({ data: { count: 0 } });
    await bot.stop();
  });
});
