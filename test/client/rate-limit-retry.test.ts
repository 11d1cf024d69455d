import { afterEach, describe, expect, it } from "vitest";
import { BotClient, type ServerError } from "../../src/client/index.js";
import { Bot } from "../../src/index.js";
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
