import { afterEach, describe, expect, it } from "vitest";
import { BotClient, type ServerError } from "../../src/client/node.js";
import { Bot, rateLimit } from "../../src/index.js";
import { type Served, serveBot } from "./helpers.js";

let served: Served | undefined;
let client: BotClient | undefined;
afterEach(async () => {
  await client?.close();
  await served?.stop();
});

describe("a rate-limited message", () => {
  it("stays queued and is sent again after retryAfterMs: nothing is lost", async () => {
    // Two messages at once, then one every 100 ms.
    const bot = new Bot({ limits: { burst: 2, messagesPerSecond: 10 } });
    bot.on("message", (ctx) => ctx.reply(`got ${ctx.text}`));
    served = await serveBot(bot);
    client = new BotClient(served.url);
    const refusals: ServerError[] = [];
    client.on("error", (error) => refusals.push(error as ServerError));
    await client.connect();
    const replies = await Promise.all(
      ["a", "b", "c", "d", "e"].map((text) => (client as BotClient).request(text)),
    );
    expect(replies.map((r) => r.text)).toEqual(["got a", "got b", "got c", "got d", "got e"]);
    expect(refusals.some((e) => e.code === "rate_limited")).toBe(true);
    expect(client.unconfirmed).toBe(0);
  });
});

describe("an offline queue re-sent against rateLimit()", () => {
  it("is paced by retryAfterMs: every message is handled once, and the client is never closed", async () => {
    const bot = new Bot();
    // Tight on purpose: 31 queued messages need seven windows; one ignored wait would close.
    bot.use(rateLimit({ limit: 5, windowMs: 300, maxViolations: 1 }));
    const handled: string[] = [];
    bot.on("message", (ctx) => {
      handled.push(ctx.text ?? "");
      return ctx.reply(`got ${ctx.text}`);
    });
    served = await serveBot(bot);
    client = new BotClient(served.url);
    const closes: number[] = [];
    client.on("close", (event) => closes.push(event.code));
    client.on("error", () => {});
    const texts = Array.from({ length: 31 }, (_, i) => `q${i}`);
    // Queued while offline, all sent at once on connect.
    const replies = texts.map((text) =>
      (client as BotClient).request(text, undefined, { timeoutMs: 30_000 }),
    );
    await client.connect();
    expect((await Promise.all(replies)).map((r) => r.text)).toEqual(texts.map((t) => `got ${t}`));
    expect(handled.sort()).toEqual([...texts].sort());
    expect(closes).toEqual([]);
    expect(client.unconfirmed).toBe(0);
  });
});

describe("a message larger than the server's maxPayload", () => {
  it("is given up after the 1009 close instead of looping, and the client goes on", async () => {
    const bot = new Bot();
    bot.on("message", (ctx) => ctx.reply(`got ${ctx.text?.length}`));
    const { serve } = await import("../../src/transports/ws/index.js");
    const handle = serve(bot, { port: 0, host: "127.0.0.1", maxPayload: 1024 });
    await handle.ready;
    const address = handle.address();
    try {
      client = new BotClient(`ws://127.0.0.1:${address?.port}`, {
        reconnect: { initialDelayMs: 5, maxDelayMs: 20 },
      });
      let opens = 0;
      client.on("open", () => opens++);
      client.on("error", () => {});
      await client.connect();
      const big = client.request("x".repeat(2000));
      await expect(big).rejects.toMatchObject({ code: "too_large" });
      expect((await client.request("small")).text).toBe("got 5");
      expect(opens).toBeLessThanOrEqual(2);
      expect(client.unconfirmed).toBe(0);
    } finally {
      await client?.close();
      client = undefined;
      await handle.close();
    }
  });
});
