import { afterEach, describe, expect, it } from "vitest";
import { auth, Bot, rateLimit, session, staticTokens } from "../../src/index.js";
import { createTestClient } from "../../src/testing/index.js";
import { inMemoryOtel, named } from "./helpers.js";

// `bot.use()` middleware that takes long enough gets a `botwire.middleware` span, a child of
// the message's span, named after the middleware; routes get none (they are the message's
// route). The threshold is `slowMiddlewareMs`: 0 records every one, a large one none.

const bots: Bot[] = [];
afterEach(async () => {
  for (const bot of bots.splice(0)) await bot.stop();
});

function botWith(slowMiddlewareMs: number) {
  const otel = inMemoryOtel({ slowMiddlewareMs });
  const bot = new Bot({ logger: false, telemetry: otel.telemetry });
  bots.push(bot);
  bot.use(auth({ verify: staticTokens({ "token-ada-0123456": { id: "ada" } }) }));
  bot.use(rateLimit({ limit: 100, windowMs: 60_000 }));
  bot.use(session({ initial: () => ({ n: 0 }) }));
  bot.use(async (_ctx, next) => {
    await next();
  });
  bot.use((ctx, next) => (ctx.text === "early" ? ctx.reply("answered here") : next()));
  bot.command("start", (ctx) => ctx.reply("hi"));
  bot.on("message", (ctx) => ctx.reply("ok"));
  return { bot, otel };
}

describe("middleware spans", () => {
  it("records each use() middleware under the message span, by name, and no route", async () => {
    const { bot, otel } = botWith(0);
    const client = createTestClient(bot, { token: "token-ada-0123456" });
    await client.send("/start");
    await expect.poll(() => named(otel.spans(), "botwire.message").length).toBe(1);
    const [message] = named(otel.spans(), "botwire.message");
    const spans = named(otel.spans(), "botwire.middleware");
    expect(spans.map((s) => s.attributes["botwire.middleware.name"])).toEqual([
      "authenticated",
      "rateLimited",
      "session",
      "use#3",
      "use#4",
    ]);
    for (const span of spans) {
      expect(span.parentSpanContext?.spanId).toBe(message?.spanContext().spanId);
      expect(span.spanContext().traceId).toBe(message?.spanContext().traceId);
    }
  });

  it("a middleware that answers without passing on is timed until it ends", async () => {
    const { bot, otel } = botWith(0);
    const client = createTestClient(bot, { token: "token-ada-0123456" });
    expect((await client.send("early"))[0]).toMatchObject({ text: "answered here" });
    await expect.poll(() => named(otel.spans(), "botwire.middleware").length).toBe(5);
  });

  it("records none below the threshold, and refuses a bad threshold", async () => {
    const { bot, otel } = botWith(60_000);
    const client = createTestClient(bot, { token: "token-ada-0123456" });
    await client.send("/start");
    await expect.poll(() => named(otel.spans(), "botwire.message").length).toBe(1);
    expect(named(otel.spans(), "botwire.middleware")).toEqual([]);
    expect(() => inMemoryOtel({ slowMiddlewareMs: -1 })).toThrow(/slowMiddlewareMs/);
  });
});
