import { describe, expect, it } from "vitest";
import { Bot, Composer } from "../../src/index.js";
import { createTestClient } from "../../src/testing/index.js";

describe("routing", () => {
  it("runs middleware in registration order and stops at the first handler that does not call next", async () => {
    const bot = new Bot();
    const seen: string[] = [];
    bot.use(async (ctx, next) => {
      if (ctx.update !== "message") return next();
      seen.push("before");
      await next();
      seen.push("after");
    });
    bot.hears("hi", (ctx) => {
      seen.push("hears");
      return ctx.reply("hello");
    });
    bot.on("message", (ctx) => {
      seen.push("fallback");
      return ctx.reply("fallback");
    });
    const client = createTestClient(bot);
    const replies = await client.send("hi");
    expect(replies.map((r) => r.text)).toEqual(["hello"]);
    expect(seen).toEqual(["before", "hears", "after"]);
    seen.length = 0;
    expect((await client.send("other")).map((r) => r.text)).toEqual(["fallback"]);
    expect(seen).toEqual(["before", "fallback", "after"]);
    await bot.stop();
  });

  it("parses commands: args, argv, aliases, and unknown commands fall through", async () => {
    const bot = new Bot();
    bot.command(["echo", "e"], (ctx) => ctx.reply({ data: ctx.command }));
    bot.on("message", (ctx) => ctx.reply(`unhandled ${ctx.text}`));
    const client = createTestClient(bot);
    expect((await client.send("/echo"))[0]?.data).toEqual({ name: "echo", args: "", argv: [] });
    expect((await client.send("/e  a  b "))[0]?.data).toEqual({
      name: "e",
      args: "a  b",
      argv: ["a", "b"],
    });
    expect((await client.send("/unknown x"))[0]?.text).toBe("unhandled /unknown x");
    expect((await client.send("/echo@mybot hi"))[0]?.data).toMatchObject({ args: "hi" });
    await bot.stop();
  });

  it("hears: a string matches the whole text exactly, a RegExp anywhere", async () => {
    const bot = new Bot();
    bot.hears("ping", (ctx) => ctx.reply("pong"));
    bot.hears(/(\d+) apples/g, (ctx) => ctx.reply(`got ${ctx.match?.[1]}`));
    bot.on("message", (ctx) => ctx.reply("none"));
    const client = createTestClient(bot);
    expect((await client.send("ping"))[0]?.text).toBe("pong");
    expect((await client.send("ping!"))[0]?.text).toBe("none");
    expect((await client.send("I have 3 apples"))[0]?.text).toBe("got 3");
    // A global RegExp keeps lastIndex between calls; the router resets it.
    expect((await client.send("I have 4 apples"))[0]?.text).toBe("got 4");
    await bot.stop();
  });

  it("falls through silently when nothing handles a message", async () => {
    const bot = new Bot();
    bot.command("start", (ctx) => ctx.reply("hi"));
    const client = createTestClient(bot);
    expect(await client.send("hello?")).toEqual([]);
    expect(client.frames.at(-1)).toEqual({ type: "receipt", id: expect.stringMatching(/^t\d+$/) });
    await bot.stop();
  });

  it("filter narrows and nested composers work", async () => {
    const bot = new Bot();
    const admin = new Composer();
    admin.command("stats", (ctx) => ctx.reply("42"));
    bot.filter((ctx) => ctx.text?.endsWith("!") !== true, admin);
    bot.on("message", (ctx) => ctx.reply("nope"));
    const client = createTestClient(bot);
    expect((await client.send("/stats"))[0]?.text).toBe("42");
    expect((await client.send("/stats !"))[0]?.text).toBe("nope");
    await bot.stop();
  });

  it("runs connect and disconnect handlers", async () => {
    const bot = new Bot();
    const events: string[] = [];
    bot.on("connect", (ctx) => {
      events.push("connect");
      return ctx.send("welcome aboard");
    });
    bot.on("disconnect", () => {
      events.push("disconnect");
    });
    const client = createTestClient(bot);
    await client.send("x");
    expect(client.messages[0]?.text).toBe("welcome aboard");
    await client.close();
    expect(events).toEqual(["connect", "disconnect"]);
    await bot.stop();
  });

  it("throws when next() is called twice", async () => {
    const bot = new Bot();
    const errors: unknown[] = [];
    bot.catch((err) => {
      errors.push(err.error);
    });
    bot.use(async (_ctx, next) => {
      await next();
      await next();
    });
    const client = createTestClient(bot);
    const [reply] = await client.send("x");
    expect(reply?.code).toBe("internal");
    expect(String(errors[0])).toMatch(/next\(\) called multiple times/);
    await bot.stop();
  });

  it("fails fast on registration mistakes with messages that teach", () => {
    const bot = new Bot();
    expect(() => bot.command("/start", () => {})).toThrow("use 'start' not '/start'");
    expect(() => bot.command("two words", () => {})).toThrow(TypeError);
    expect(() => bot.command([], () => {})).toThrow(/at least one/);
    expect(() => bot.on("mesage" as "message", () => {})).toThrow(/unknown update 'mesage'/);
    expect(() => bot.hears(42 as unknown as string, () => {})).toThrow(TypeError);
    expect(() => bot.use()).toThrow(TypeError);
    expect(() => new Bot({ limits: { burst: -1 } })).toThrow(/limits.burst/);
  });

  it("Bot is a runtime subclass of Composer", () => {
    expect(new Bot()).toBeInstanceOf(Composer);
  });
});
