import { describe, expect, it } from "vitest";
import { Bot, type Context, type SessionFlavor, session } from "../../src/index.js";
import { createTestClient } from "../../src/testing/index.js";

type Ctx = Context & SessionFlavor<{ n: number }>;

describe("ctx.history", () => {
  it("keeps the last N user and bot turns, including the current message", async () => {
    const bot = new Bot<Ctx>();
    bot.use(session({ initial: () => ({ n: 0 }), history: 4 }));
    bot.hears("what did I say?", (ctx) => {
      const mine = ctx.history.filter((t) => t.from === "user").map((t) => t.text);
      return ctx.reply(mine.join(","));
    });
    bot.on("message", async (ctx) => {
      await ctx.reply(`echo ${ctx.text}`);
      await ctx.send({ data: { no: "text" } });
    });
    const client = createTestClient(bot);
    await client.send("a");
    await client.send("b");
    const [answer] = await client.send("what did I say?");
    expect(answer?.text).toBe("b,what did I say?");
    const probe = new Bot<Ctx>({ store: bot.store });
    probe.use(session({ initial: () => ({ n: 0 }), history: 10, getKey: () => client.session }));
    let seen: unknown;
    probe.on("message", (ctx) => {
      seen = ctx.history;
    });
    await createTestClient(probe).send("probe");
    // The first bot kept 4 turns ("a" and its echo were trimmed); the probe adds its own.
    expect(seen).toMatchObject([
      { from: "user", text: "b" },
      { from: "bot", text: "echo b" },
      { from: "user", text: "what did I say?" },
      { from: "bot", text: "b,what did I say?" },
      { from: "user", text: "probe" },
    ]);
    expect(typeof (seen as Array<{ at: number }>)[0]?.at).toBe("number");
    await Promise.all([bot.stop(), probe.stop()]);
  });

  it("is empty and costs no writes when history is off (the default)", async () => {
    const bot = new Bot<Ctx>();
    bot.use(session({ initial: () => ({ n: 0 }) }));
    bot.on("message", (ctx) => ctx.reply(String(ctx.history.length)));
    const client = createTestClient(bot);
    expect((await client.send("x"))[0]?.text).toBe("0");
    expect(await bot.store.get(client.session as string)).toBeUndefined();
    await bot.stop();
  });
});
