import { describe, expect, it } from "vitest";
import { Bot, Composer } from "../../../src/index.js";
import { createTestClient } from "../../../src/testing/index.js";

describe("bot.intent()", () => {
  it("routes by intent, sets ctx.intent, and leaves other messages to later handlers", async () => {
    const bot = new Bot();
    bot.intent("hours", ["when are you open", "opening hours", "what time do you close"], (ctx) =>
      ctx.reply({ text: "9 to 5", data: ctx.intent }),
    );
    bot.intent("refund", ["can I get a refund", "I want my money back", "return an item"], (ctx) =>
      ctx.reply("refunds within 30 days"),
    );
    bot.on("message", (ctx) => ctx.reply("fallback"));
    const client = createTestClient(bot);
    const [hours] = await client.send("when are you opne?");
    expect(hours?.text).toBe("9 to 5");
    expect(hours?.data).toMatchObject({ name: "hours" });
    expect((hours?.data as { score?: number } | undefined)?.score).toBeGreaterThan(0.38);
    expect((await client.send("I'd like a refund"))[0]?.text).toBe("refunds within 30 days");
    expect((await client.send("tell me a joke"))[0]?.text).toBe("fallback");
    await bot.stop();
  });

  it("commands and hears registered first take precedence", async () => {
    const bot = new Bot();
    bot.command("help", (ctx) => ctx.reply("command"));
    bot.hears("help", (ctx) => ctx.reply("hears"));
    bot.intent("help", ["help", "I need help", "help me please"], (ctx) => ctx.reply("intent"));
    const client = createTestClient(bot);
    expect((await client.send("/help"))[0]?.text).toBe("command");
    expect((await client.send("help"))[0]?.text).toBe("hears");
    expect((await client.send("help me"))[0]?.text).toBe("intent");
    await bot.stop();
  });

  it("recognises once per message with an external recognizer, whatever the number of intents", async () => {
    const calls: string[] = [];
    const bot = new Bot({
      recognizer: async (text) => {
        calls.push(text);
        return text.includes("pizza")
          ? { name: "order", score: 0.9 }
          : { name: "other", score: 0.2 };
      },
      intentThreshold: 0.5,
    });
    const nested = new Composer();
    nested.intent("order", ["unused by an external recognizer"], (ctx) => ctx.reply("ordering"));
    bot.intent("a", ["x"], (ctx) => ctx.reply("a"));
    bot.intent("b", ["y"], (ctx) => ctx.reply("b"));
    bot.use(nested);
    bot.intent("other", ["z"], (ctx) => ctx.reply("other"));
    bot.on("message", (ctx) => ctx.reply(`none ${ctx.intent === undefined}`));
    const client = createTestClient(bot);
    expect((await client.send("a pizza please"))[0]?.text).toBe("ordering");
    // score 0.2 is under intentThreshold 0.5: no intent at all.
    expect((await client.send("hello"))[0]?.text).toBe("none true");
    expect(calls).toEqual(["a pizza please", "hello"]);
    await bot.stop();
  });

  it("the threshold option changes what counts as a match", async () => {
    const strict = new Bot({ intentThreshold: 0.99 });
    strict.intent("hours", ["when are you open", "opening hours"], (ctx) => ctx.reply("hours"));
    strict.on("message", (ctx) => ctx.reply("none"));
    const client = createTestClient(strict);
    expect((await client.send("when do you open"))[0]?.text).toBe("none");
    expect((await client.send("opening hours"))[0]?.text).toBe("hours");
    await strict.stop();
  });

  it("rejects bad registrations and options", () => {
    const bot = new Bot();
    expect(() => bot.intent("", ["x"])).toThrow(/name/);
    expect(() => bot.intent("x", [])).toThrow(/examples/);
    expect(() => bot.intent("x", "hello" as never)).toThrow(/examples/);
    expect(() => new Bot({ intentThreshold: 1.5 })).toThrow(RangeError);
    expect(() => new Bot({ recognizer: "nlu" as never })).toThrow(TypeError);
  });
});
