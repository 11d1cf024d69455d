import { describe, expect, it } from "vitest";
import { Bot, type Context, MemoryStore, type SessionFlavor, session } from "../../src/index.js";
import { createTestClient } from "../../src/testing/index.js";

type Ctx = Context & SessionFlavor<{ n: number }>;

describe("session(): what is stored", () => {
  for (const [what, value] of [
    ["a string", "hello"],
    ["null", null],
    ["an object without data", { count: 1 }],
  ] as const) {
    it(`refuses to use ${what} stored under the session key, naming the key`, async () => {
      const store = new MemoryStore();
      store.set("k", value);
      const bot = new Bot<Ctx>({ store });
      const errors: unknown[] = [];
      bot.catch((err) => void errors.push(err.error));
      bot.use(session({ initial: () => ({ n: 0 }), getKey: () => "k" }));
      bot.on("message", (ctx) => ctx.reply(String(++ctx.session.n)));
      const replies = await createTestClient(bot).send("x");
      expect(replies.at(-1)).toMatchObject({ type: "error", code: "internal" });
      expect(errors.at(-1)).toBeInstanceOf(TypeError);
      expect((errors.at(-1) as Error).message).toBe(
        'session(): the value under "k" is not a session record',
      );
      expect(store.get("k")).toEqual(value);
      await bot.stop();
    });
  }
});

describe("session(): history", () => {
  it("records only message texts: not connect updates, not data-only messages", async () => {
    const bot = new Bot<Ctx>();
    bot.use(session({ initial: () => ({ n: 0 }), history: 10 }));
    bot.on("connect", (ctx) => {
      ctx.session.n += 1; // looks at the session on connect
    });
    bot.hears("history", (ctx) =>
      ctx.reply(ctx.history.map((t) => `${t.from}:${t.text}`).join(" | ")),
    );
    bot.on("message", () => undefined);
    const client = createTestClient(bot);
    client.raw(JSON.stringify({ type: "message", id: "d1", data: { only: "data" } }));
    await client.send("hi");
    const [answer] = await client.send("history");
    expect(answer?.text).toBe("user:hi | user:history");
    await bot.stop();
  });
});

describe("session(): the in-memory store stays synchronous", () => {
  it("a handler that does not await is answered before the frame handler returns", async () => {
    const bot = new Bot<Ctx>();
    bot.use(session({ initial: () => ({ n: 0 }) }));
    bot.on("message", (ctx) => ctx.reply(String(++ctx.session.n)));
    const client = createTestClient(bot);
    expect((await client.send("warm up"))[0]?.text).toBe("1");
    client.raw(JSON.stringify({ type: "message", id: "now", text: "x" }));
    // No await in between: the whole chain, session load and save included, already ran.
    expect(client.frames.at(-1)).toMatchObject({ type: "message", replyTo: "now", text: "2" });
    await bot.stop();
  });
});
