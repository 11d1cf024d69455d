import { describe, expect, it } from "vitest";
import type { Telemetry } from "../../src/core/telemetry.js";
import { Bot } from "../../src/index.js";
import { MemoryTransport } from "../../src/transports/memory/transport.js";

// Transports call the bot's `open` inside socket callbacks, where a throw would end the
// process. A connection the bot cannot take (here: a custom telemetry whose connection()
// throws) is closed with 1011 and logged, and the bot goes on taking the next ones.

describe("a connection the bot cannot take", () => {
  it("is closed with 1011 and logged; the bot takes the next one", async () => {
    let broken = true;
    const telemetry: Telemetry = {
      attach() {},
      connection() {
        if (broken) throw new Error("telemetry broke");
        return { hello() {}, welcomed() {}, closed() {} };
      },
      message() {
        throw new Error("not reached in this test");
      },
      sent() {},
      refused() {},
      remote() {},
    };
    const errors: string[] = [];
    const bot = new Bot({
      telemetry,
      logger: { error: (message: string) => void errors.push(message) },
    });
    const transport = new MemoryTransport();
    await bot.start(transport);
    try {
      const closes: number[] = [];
      const first = transport.connect({ receive() {}, closed: (code) => void closes.push(code) });
      expect(closes).toEqual([1011]);
      expect(errors).toEqual(["could not take a connection; it was closed with 1011"]);
      first.send(JSON.stringify({ type: "hello" })); // ignored: the connection is gone
      broken = false;
      const frames: Array<{ type: string }> = [];
      const second = transport.connect({
        receive: (f) => void frames.push(JSON.parse(f) as { type: string }),
        closed() {},
      });
      second.send(JSON.stringify({ type: "hello" }));
      await expect.poll(() => frames.map((f) => f.type)).toContain("welcome");
      second.close();
    } finally {
      await bot.stop(transport);
    }
  });
});
