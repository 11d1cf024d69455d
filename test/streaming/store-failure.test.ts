import { afterEach, describe, expect, it } from "vitest";
import { Bot, MemoryStore } from "../../src/index.js";
import { MemoryBroker } from "../../src/storage/index.js";
import { createTestClient } from "../../src/testing/index.js";
import { reassemble, slowTokens, tokens } from "./helpers.js";

/** A store whose stream records fail (an outage), while the rest works. */
class FailingStreams extends MemoryStore {
  failures = 0;
  private fail(key: string) {
    if (key.startsWith("botwire:stream")) {
      this.failures++;
      throw new Error("store down");
    }
  }
  override set(key: string, value: unknown, ttlMs?: number) {
    this.fail(key);
    return super.set(key, value, ttlMs);
  }
  override getVersioned(key: string) {
    this.fail(key);
    return super.getVersioned(key);
  }
}

let bot: Bot;
afterEach(async () => {
  await bot?.stop();
});

describe("a store outage while streaming (with a broker)", () => {
  it("the stream goes on and ends with its final; the failures are logged, not thrown", async () => {
    const store = new FailingStreams();
    const warnings: string[] = [];
    bot = new Bot({
      store,
      broker: new MemoryBroker(),
      logger: { warn: (message) => warnings.push(message) },
      streaming: { deltaIntervalMs: 2 },
    });
    bot.on("message", (ctx) => ctx.replyStream(slowTokens(tokens(50), 1)));
    const client = createTestClient(bot);
    const [final] = await client.send("go");
    expect(final).toMatchObject({ end: "done", text: tokens(50).join("") });
    expect(reassemble(client.deltas, String(final?.stream)).text).toBe(final?.text);
    expect(store.failures).toBeGreaterThan(0);
    expect(warnings).toContain("open stream not shared: the store failed");
    expect(warnings).toContain("closed stream not unshared: the store failed");
  });
});
