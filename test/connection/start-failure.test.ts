import { describe, expect, it } from "vitest";
import { Bot } from "../../src/index.js";
import { type Broker, MemoryBroker } from "../../src/storage/index.js";
import { MemoryTransport } from "../../src/testing/index.js";

/** A broker whose first `subscribe` fails, as a Redis that is not there yet. */
function flakyBroker(): Broker & { subscribes: number } {
  const inner = new MemoryBroker();
  const broker = {
    subscribes: 0,
    publish: (channel: string, payload: string) => inner.publish(channel, payload),
    unsubscribe: inner.unsubscribe.bind(inner),
    async subscribe(...args: Parameters<Broker["subscribe"]>) {
      broker.subscribes++;
      if (broker.subscribes === 1) throw new Error("broker not ready");
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
});
