import { afterEach, describe, expect, it, vi } from "vitest";
import { Bot, type Context, MemoryStore, type SessionFlavor, session } from "../../src/index.js";
import type { Store } from "../../src/storage/store.js";
import { createTestClient } from "../../src/testing/index.js";

// session() guarantees a surviving mutant showed untested: the sliding TTL of a session the
// handler did not touch, stores without versions, and what ctx.history records.

type Ctx = Context & SessionFlavor<{ name?: string; n?: number }>;

afterEach(() => {
  vi.useRealTimers();
});

/** A store with no versions and no compare-and-set: `session()` writes with `set`. */
class PlainStore implements Store {
  readonly values = new Map<string, unknown>();
  readonly local = true;
  get(key: string) {
    return this.values.get(key);
  }
  set(key: string, value: unknown) {
    this.values.set(key, structuredClone(value));
  }
  delete(key: string) {
    this.values.delete(key);
  }
}

/** A MemoryStore subclass: not the built-in itself, so session() takes its general path. */
class OwnMemoryStore extends MemoryStore {}

function nameBot(store: Store) {
  const bot = new Bot<Ctx>({ store, limits: { sessionTtlMs: 60_000 }, logger: false });
  bot.use(session({ initial: () => ({}) }));
  bot.command("name", (ctx) => {
    ctx.session.name = ctx.command.args;
    return ctx.reply("saved");
  });
  // Does not read ctx.session: the record is untouched.
  bot.command("ping", (ctx) => ctx.reply("pong"));
  bot.on("message", (ctx) => ctx.reply(`name: ${ctx.session.name ?? "?"}`));
  return bot;
}

const stampOf = async (store: Store, key: string) => {
  const value = (await store.get(key)) as { at?: number; value?: { at?: number } } | undefined;
  return value?.at ?? value?.value?.at;
};

describe("session(): the sliding TTL of an untouched session", () => {
  for (const [path, make] of [
    ["the built-in MemoryStore", () => new MemoryStore()],
    ["another store", () => new OwnMemoryStore()],
  ] as const) {
    it(`is renewed past half its lifetime though no handler read it (${path})`, async () => {
      vi.useFakeTimers({ toFake: ["Date"] });
      const store = make();
      const bot = nameBot(store);
      const user = createTestClient(bot);
      const start = Date.now();
      await user.send("/name Ada");
      const key = user.session as string;
      expect(await stampOf(store, key)).toBe(start);
      vi.setSystemTime(start + 10_000); // a sixth of the TTL: nothing to renew
      expect((await user.send("/ping"))[0]?.text).toBe("pong");
      expect(await stampOf(store, key)).toBe(start);
      vi.setSystemTime(start + 35_000); // past half: renewed, and stamped with the time
      expect((await user.send("/ping"))[0]?.text).toBe("pong");
      expect(await stampOf(store, key)).toBe(start + 35_000);
      expect((await user.send("who?"))[0]?.text).toBe("name: Ada");
      await bot.stop();
    });
  }
});

/** A bot whose session under one key counts its messages (`n=<count>`), and a client of it. */
function countingBot(store: Store) {
  const bot = new Bot<Ctx>({ store, logger: false });
  bot.use(session({ initial: () => ({ n: 0 }), getKey: () => "k" }));
  bot.on("message", (ctx) => {
    ctx.session.n = (ctx.session.n ?? 0) + 1;
    return ctx.reply(`n=${ctx.session.n}`);
  });
  return { bot, user: createTestClient(bot) };
}

describe("session() on a store without versions", () => {
  it("saves with set(): no conflict is reported for a write that returns nothing", async () => {
    const store = new PlainStore();
    const { bot, user } = countingBot(store);
    const answers = async (text: string) => (await user.send(text)).map((m) => m.text ?? m.code);
    // The reply, and no error after it.
    expect(await answers("a")).toEqual(["n=1"]);
    expect(await answers("b")).toEqual(["n=2"]);
    expect(store.values.get("k")).toMatchObject({ data: { n: 2 } });
    await bot.stop();
  });
});

/** A MemoryStore that says it is shared across processes, and counts its locks. */
class SharedMemoryStore extends MemoryStore {
  override readonly local = false as unknown as true;
  leases = 0;
  override lock(key: string, ttlMs: number) {
    this.leases++;
    return super.lock(key, ttlMs);
  }
  override lockAndRead(key: string, ttlMs: number) {
    this.leases++;
    return super.lockAndRead(key, ttlMs);
  }
}

describe("session() on a store shared across processes", () => {
  it("takes the store's lease around each update", async () => {
    const store = new SharedMemoryStore();
    const { bot, user } = countingBot(store);
    expect((await user.send("a"))[0]?.text).toBe("n=1");
    expect(store.leases).toBeGreaterThan(0);
    await bot.stop();
  });
});

describe("session()", () => {
  it('is named "session" (the name telemetry shows)', () => {
    expect(session({ initial: () => ({}) }).name).toBe("session");
  });

  it("records no user turn in ctx.history for updates other than messages", async () => {
    const bot = new Bot<Ctx>({ logger: false });
    bot.use(session({ initial: () => ({ n: 0 }), history: 10 }));
    bot.on("connect", (ctx) => {
      ctx.session.n = 1; // touched: the record is saved
    });
    let seen: unknown;
    bot.on("message", (ctx) => {
      seen = ctx.history.map((t) => ({ from: t.from, text: t.text }));
    });
    const user = createTestClient(bot);
    await user.send("hi");
    expect(seen).toEqual([{ from: "user", text: "hi" }]);
    await bot.stop();
  });
});
