import { describe, expect, it } from "vitest";
import { Bot, type Context, cache, type SessionFlavor, session } from "../../src/index.js";
import { createTestClient } from "../../src/testing/index.js";
import { normalizeQuestion } from "../../src/text/index.js";

describe("cache()", () => {
  it("replays replies of an identical question without running the rest of the chain", async () => {
    const bot = new Bot();
    const faq = cache();
    let runs = 0;
    bot.use(faq);
    bot.on("message", async (ctx) => {
      runs++;
      await ctx.reply(`answer ${runs}`);
      await ctx.send({ text: "anything else?", data: { n: runs } });
    });
    const client = createTestClient(bot);
    const first = await client.send("What are your hours?");
    const again = await client.send("  what are your   HOURS ");
    expect(runs).toBe(1);
    expect(again.map((m) => [m.text, m.data, m.replyTo !== undefined])).toEqual([
      ["answer 1", undefined, true],
      ["anything else?", { n: 1 }, false],
    ]);
    expect(first.map((m) => m.text)).toEqual(again.map((m) => m.text));
    // Another client asking the same question also hits.
    await createTestClient(bot).send("what are your hours!!");
    expect(runs).toBe(1);
    expect(faq.stats).toEqual({ hits: 2, misses: 1, personal: 0 });
    await client.send("something else");
    expect(runs).toBe(2);
    await bot.stop();
  });

  it("does not cache a handler that throws, or messages with data", async () => {
    const bot = new Bot();
    let runs = 0;
    bot.use(cache());
    bot.on("message", async (ctx) => {
      runs++;
      await ctx.reply("partial");
      if (ctx.text === "boom" && runs === 1) throw new Error("failed");
    });
    const client = createTestClient(bot);
    const failed = await client.send("boom");
    expect(failed.map((m) => m.code ?? m.text)).toEqual(["partial", "internal"]);
    await client.send("boom");
    expect(runs).toBe(2); // the failed run was not cached
    await client.send("boom");
    expect(runs).toBe(2); // the successful one was
    await client.send("x", { a: 1 });
    await client.send("x", { a: 1 });
    expect(runs).toBe(4);
    await bot.stop();
  });

  it("never shares a reply that read ctx.user or ctx.session, unless the key says so", async () => {
    const bot = new Bot();
    const personal = cache();
    bot.use(async (ctx, next) => {
      ctx.user = { id: ctx.connection.id };
      await next();
    });
    bot.hears("who am i", personal, (ctx) =>
      ctx.reply(`you are ${(ctx.user as { id: string }).id}`),
    );
    const perSession = cache({ key: (ctx) => `${ctx.sessionId}:${ctx.text}` });
    bot.hears("my id", perSession, (ctx) => ctx.reply(`id ${(ctx.user as { id: string }).id}`));
    const a = createTestClient(bot);
    const b = createTestClient(bot);
    const [ra] = await a.send("who am i");
    const [rb] = await b.send("who am i");
    expect(ra?.text).not.toBe(rb?.text);
    expect(personal.stats).toEqual({ hits: 0, misses: 2, personal: 2 });
    // With its own key, the entry is per session: a's second ask hits, b's first misses.
    await a.send("my id");
    await a.send("my id");
    const [rb2] = await b.send("my id");
    expect(perSession.stats).toMatchObject({ hits: 1, misses: 2 });
    expect(rb2?.text).toBe(`id ${(rb?.text ?? "").replace("you are ", "")}`);
    await bot.stop();
  });

  it("never shares a reply that read ctx.history, ctx.dialog or ctx.sessionId", async () => {
    const bot = new Bot<Context & SessionFlavor<object>>();
    const faq = cache();
    bot.use(session({ initial: () => ({}), history: 5 }));
    bot.hears("what did i say", faq, (ctx) =>
      ctx.reply(`you said: ${ctx.history.map((t) => t.text).join(" | ")}`),
    );
    bot.hears("which session", faq, (ctx) => ctx.reply(`session ${ctx.sessionId.slice(0, 8)}`));
    bot.hears("in a dialog", faq, (ctx) => ctx.reply(`dialog: ${ctx.dialog.active}`));
    bot.on("message", (ctx) => ctx.reply("noted"));
    const alice = createTestClient(bot);
    const bob = createTestClient(bot);
    await alice.send("my password is hunter2");
    await alice.send("what did i say");
    const [toBob] = await bob.send("what did i say");
    expect(toBob?.text).not.toContain("hunter2");
    const [a] = await alice.send("which session");
    const [b] = await bob.send("which session");
    expect(a?.text).not.toBe(b?.text);
    await alice.send("in a dialog");
    await bob.send("in a dialog");
    expect(faq.stats).toEqual({ hits: 0, misses: 6, personal: 6 });
    await bot.stop();
  });

  it("expires entries after ttlMs and evicts beyond max", async () => {
    const bot = new Bot();
    const short = cache({ ttlMs: 30, max: 1 });
    let runs = 0;
    bot.use(short);
    bot.on("message", (ctx) => ctx.reply(String(++runs)));
    const client = createTestClient(bot);
    await client.send("a");
    await client.send("b"); // evicts "a" (max 1)
    await client.send("a");
    expect(runs).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 60));
    await client.send("a");
    expect(runs).toBe(4);
    await bot.stop();
  });

  it("normalises case, whitespace and trailing punctuation; rejects bad options", () => {
    expect(normalizeQuestion("  Hello\tWORLD?!… ")).toBe("hello world");
    expect(normalizeQuestion("¿Qué?")).toBe("¿qué");
    expect(() => cache({ ttlMs: 0 })).toThrow(RangeError);
    expect(() => cache({ max: 5, store: { get() {}, set() {}, delete() {} } })).toThrow(/max/);
    expect(() => cache({ key: "text" as never })).toThrow(/key/);
  });
});
