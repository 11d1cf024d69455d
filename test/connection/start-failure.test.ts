import { describe, expect, it } from "vitest";
import { Bot } from "../../src/index.js";
import { type Broker, MemoryBroker } from "../../src/storage/index.js";
import { createTestClient, MemoryTransport } from "../../src/testing/index.js";

/** A broker whose first `subscribe` fails (after `delayMs`), as a Redis not there yet. */
function flakyBroker(delayMs = 0): Broker & { subscribes: number } {
  const inner = new MemoryBroker();
  const broker = {
    subscribes: 0,
    publish: (channel: string, payload: string) => inner.publish(channel, payload),
    unsubscribe: inner.unsubscribe.bind(inner),
    async subscribe(...args: Parameters<Broker["subscribe"]>) {
      broker.subscribes++;
      const first = broker.subscribes === 1;
      await new Promise((r) => setTimeout(r, delayMs));
      if (first) throw new Error("broker not ready");
      return inner.subscribe(...args);
    },
  };
  return broker;
}

describe("bot.start() that fails", () => {
  it("leaves nothing half started, and a second start subscribes again", async () => {
    const broker = flakyBroker();
    const bot = new Bot({ broker });
    const transport = new MemoryTransport();
    await expect(bot.start(transport)).rejects.toThrow("broker not ready");
    expect(bot.running).toBe(false);
    // The transport was closed with the failed start: it takes no connection.
    expect(transport.listening).toBe(false);
    await bot.start(transport);
    expect(bot.running).toBe(true);
    expect(transport.listening).toBe(true);
    expect(broker.subscribes).toBe(2);
    await bot.stop();
  });
  it("fails every start that waited for the same failed subscription", async () => {
    const broker = flakyBroker(30);
    const bot = new Bot({ broker });
    const events: string[] = [];
    bot.events.on("start", () => events.push("start"));
    bot.events.on("stop", () => events.push("stop"));
    const started = await Promise.allSettled([
      bot.start(new MemoryTransport()),
      bot.start(new MemoryTransport()),
    ]);
    expect(started.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(bot.running).toBe(false);
    expect(events).toEqual(["start", "stop"]);
    await bot.start(new MemoryTransport());
    expect(broker.subscribes).toBe(2);
    await bot.stop();
  });

  it("a transport's stop during the bot's stop resolves when the bot has stopped", async () => {
    const bot = new Bot({ logger: false });
    let finished = false;
    bot.on("message", async (ctx) => {
      await new Promise((r) => setTimeout(r, 200));
      finished = true;
      await ctx.reply("done");
    });
    const transport = new MemoryTransport();
    await bot.start(transport);
    const client = createTestClient(bot);
    void client.send("slow");
    await new Promise((r) => setTimeout(r, 20));
    const whole = bot.stop();
    await new Promise((r) => setTimeout(r, 10));
    await bot.stop(transport); // e.g. handle.close() after bot.stop() in a SIGINT handler
    expect(finished).toBe(true);
    await whole;
  });
});
