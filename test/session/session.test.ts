import { describe, expect, it } from "vitest";
import {
  auth,
  Bot,
  type Context,
  MemoryStore,
  SessionConflictError,
  type SessionFlavor,
  session,
} from "../../src/index.js";
import { withHandshake } from "../../src/middleware/index.js";
import type { Store } from "../../src/storage/index.js";
import { createTestClient } from "../../src/testing/index.js";

type Counter = Context & SessionFlavor<{ count: number }>;

function counterBot(options: { store?: Store } = {}) {
  const bot = new Bot<Counter>(options);
  bot.use(session({ initial: () => ({ count: 0 }) }));
  bot.on("message", (ctx) => ctx.reply(String(++ctx.session.count)));
  return bot;
}

/** Middleware whose handshake hook logs in the user named by the token. */
const loginByToken = withHandshake(
  (_ctx: Context, next: () => Promise<void>) => next(),
  (handshake) => {
    if (handshake.token !== undefined) handshake.user = { id: handshake.token };
  },
);

/** Counts writes so tests can tell whether a session was saved. */
class CountingStore extends MemoryStore {
  writes = 0;
  override set(key: string, value: unknown, ttlMs?: number): void {
    this.writes++;
    super.set(key, value, ttlMs);
  }
  override compareAndSet(key: string, value: unknown, v: string | undefined, ttl?: number) {
    this.writes++;
    return super.compareAndSet(key, value, v, ttl);
  }
}

describe("session()", () => {
  it("50 messages sent back to back give exactly 1..50, in order", async () => {
    const bot = counterBot();
    const client = createTestClient(bot);
    const results = await Promise.all(Array.from({ length: 50 }, () => client.send("+1")));
    const expected = Array.from({ length: 50 }, (_, i) => String(i + 1));
    expect(results.map((r) => r[0]?.text)).toEqual(expected);
    expect(client.messages.map((m) => m.text)).toEqual(expected);
    await bot.stop();
  });

  it("serialises two connections of one user in one process: no lost write", async () => {
    const bot = new Bot<Counter>();
    bot.use(loginByToken, session({ initial: () => ({ count: 0 }) }));
    bot.on("message", async (ctx) => {
      const seen = ctx.session.count;
      // Yield between read and write: without the per-key mutex the two would race here.
      await new Promise((resolve) => setTimeout(resolve, 1));
      ctx.session.count = seen + 1;
      await ctx.reply(String(ctx.session.count));
    });
    const a = createTestClient(bot, { token: "alice" });
    const b = createTestClient(bot, { token: "alice" });
    const sends = Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).send("+1"));
    const texts = (await Promise.all(sends)).map((r) => Number(r[0]?.text));
    expect(texts.sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await bot.store.get("user:alice")).toMatchObject({ data: { count: 20 } });
    await bot.stop();
  });

  it("keys by user id when authenticated, else by protocol session", async () => {
    const bot = new Bot<Counter>();
    bot.use(loginByToken, session({ initial: () => ({ count: 0 }) }));
    bot.on("message", (ctx) => ctx.reply(String(++ctx.session.count)));
    const alice1 = createTestClient(bot, { token: "alice" });
    const alice2 = createTestClient(bot, { token: "alice" });
    const anon1 = createTestClient(bot);
    const anon2 = createTestClient(bot);
    expect((await alice1.send("x"))[0]?.text).toBe("1");
    expect((await alice2.send("x"))[0]?.text).toBe("2");
    expect((await anon1.send("x"))[0]?.text).toBe("1");
    expect((await anon2.send("x"))[0]?.text).toBe("1");
    expect(await bot.store.get(anon1.session as string)).toMatchObject({ data: { count: 1 } });
    await bot.stop();
  });

  it("keys by the user auth() verified, so a user's devices share one session", async () => {
    const users: Record<string, { id: number; name: string }> = {
      "t-1": { id: 1, name: "Ann" },
      "t-2": { id: 2, name: "Ben" },
    };
    const bot = new Bot<Counter>();
    bot.use(auth({ verify: (token) => users[token] }), session({ initial: () => ({ count: 0 }) }));
    bot.on("message", (ctx) => ctx.reply(String(++ctx.session.count)));
    const phone = createTestClient(bot, { token: "t-1" });
    const laptop = createTestClient(bot, { token: "t-1" });
    const other = createTestClient(bot, { token: "t-2" });
    await phone.send("x");
    expect((await laptop.send("x"))[0]?.text).toBe("2");
    expect((await other.send("x"))[0]?.text).toBe("1");
    expect(await bot.store.get("user:1")).toMatchObject({ data: { count: 2 } });
    await bot.stop();
  });

  it("uses new Bot({ store }) by default and session({ store }) when given", async () => {
    const botStore = new MemoryStore();
    const own = new MemoryStore();
    const bot = new Bot<Counter>({ store: botStore });
    bot.use(session({ initial: () => ({ count: 0 }), getKey: () => "k" }));
    bot.on("message", (ctx) => ctx.reply(String(++ctx.session.count)));
    await createTestClient(bot).send("x");
    expect(botStore.get("k")).toMatchObject({ data: { count: 1 } });
    const other = new Bot<Counter>({ store: botStore });
    other.use(session({ initial: () => ({ count: 0 }), store: own, getKey: () => "k" }));
    other.on("message", (ctx) => ctx.reply(String(++ctx.session.count)));
    expect((await createTestClient(other).send("x"))[0]?.text).toBe("1");
    expect(own.get("k")).toMatchObject({ data: { count: 1 } });
    await Promise.all([bot.stop(), other.stop()]);
  });

  it("saves only after the chain succeeded, and only when something changed", async () => {
    const store = new CountingStore();
    const bot = new Bot<Counter>({ store });
    const errors: unknown[] = [];
    bot.catch((err) => void errors.push(err.error));
    bot.use(session({ initial: () => ({ count: 0 }) }));
    bot.hears("read", (ctx) => ctx.reply(`count ${ctx.session.count}`));
    bot.hears("fail", (ctx) => {
      ctx.session.count = 99;
      throw new Error("boom");
    });
    bot.on("message", (ctx) => ctx.reply(String(++ctx.session.count)));
    const client = createTestClient(bot);
    expect((await client.send("read"))[0]?.text).toBe("count 0");
    expect(store.writes).toBe(0);
    await client.send("+1");
    expect(store.writes).toBe(1);
    const failed = await client.send("fail");
    expect(failed).toMatchObject([{ type: "error", code: "internal", message: "internal error" }]);
    expect(errors).toHaveLength(1);
    expect((await client.send("read"))[0]?.text).toBe("count 1");
    expect(store.writes).toBe(1);
    await bot.stop();
  });

  it("works with a plain three-method store", async () => {
    const map = new Map<string, string>();
    const plain: Store = {
      get: (k) => (map.has(k) ? JSON.parse(map.get(k) as string) : undefined),
      set: (k, v) => void map.set(k, JSON.stringify(v)),
      delete: (k) => void map.delete(k),
    };
    const bot = counterBot({ store: plain });
    const client = createTestClient(bot);
    await client.send("x");
    expect((await client.send("x"))[0]?.text).toBe("2");
    expect(map.size).toBe(1);
    await bot.stop();
  });

  it("refuses a write when the session changed in the store meanwhile (fencing)", async () => {
    const store = new MemoryStore();
    const bot = new Bot<Counter>({ store });
    const errors: unknown[] = [];
    bot.catch((err) => void errors.push(err.error));
    bot.use(session({ initial: () => ({ count: 0 }), getKey: () => "shared" }));
    bot.on("message", async (ctx) => {
      ctx.session.count += 1;
      // Another process whose lease had expired writes meanwhile (simulated).
      await store.set("shared", { data: { count: 42 } });
    });
    const replies = await createTestClient(bot).send("x");
    expect(replies).toMatchObject([{ type: "error", code: "internal" }]);
    expect(errors[0]).toBeInstanceOf(SessionConflictError);
    expect(store.get("shared")).toEqual({ data: { count: 42 } });
    await bot.stop();
  });

  it("ctx.session can be replaced, and getKey returning undefined means no session", async () => {
    const bot = new Bot<Counter>();
    bot.catch(() => {});
    bot.use(
      session({
        initial: () => ({ count: 0 }),
        getKey: (ctx) => (ctx.text === "anon" ? undefined : "k"),
      }),
    );
    bot.hears("reset", (ctx) => {
      ctx.session = { count: 100 };
      return ctx.reply("ok");
    });
    bot.hears("anon", (ctx) => ctx.reply(String(ctx.session.count)));
    bot.on("message", (ctx) => ctx.reply(String(++ctx.session.count)));
    const client = createTestClient(bot, {});
    await client.send("reset");
    expect((await client.send("x"))[0]?.text).toBe("101");
    expect((await client.send("anon"))[0]).toMatchObject({ type: "error", code: "internal" });
    await bot.stop();
  });

  it("expires sessions after ttlMs without a change", async () => {
    const store = new MemoryStore();
    const other = new Bot<Counter>({ store });
    // Long enough that a busy machine still finds it right after the reply, short enough to wait for.
    other.use(session({ initial: () => ({ count: 0 }), ttlMs: 500, getKey: () => "short" }));
    other.on("message", (ctx) => ctx.reply(String(++ctx.session.count)));
    const client = createTestClient(other);
    await client.send("x");
    expect(store.get("short")).toBeDefined();
    await expect.poll(() => store.get("short"), { timeout: 10_000 }).toBeUndefined();
    expect((await client.send("x"))[0]?.text).toBe("1");
    await other.stop();
  });

  it("rejects bad options at registration, naming the option", () => {
    const s = session as (o: unknown) => unknown;
    expect(() => s(undefined)).toThrow(TypeError);
    expect(() => s({})).toThrow(/initial must be a function/);
    expect(() => s({ initial: () => 0, store: {} })).toThrow(/store must be a store/);
    expect(() => s({ initial: () => 0, ttlMs: 0 })).toThrow(/ttlMs must be a positive/);
    expect(() => s({ initial: () => 0, history: 1.5 })).toThrow(/history must be a whole/);
    expect(() => s({ initial: () => 0, getKey: "user" })).toThrow(/getKey must be a function/);
    expect(() => s({ initial: () => 0, lock: { leaseMs: 5 } })).toThrow(/lock.leaseMs/);
    expect(() => new Bot({ store: { get() {} } as never })).toThrow(/options.store/);
  });
});
