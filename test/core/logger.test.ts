import { afterEach, describe, expect, it, vi } from "vitest";
import { Bot, type Logger } from "../../src/index.js";
import { createTestClient } from "../../src/testing/index.js";
import { until } from "../helpers/until.js";

afterEach(() => {
  vi.restoreAllMocks();
});

function throwingBot(options: ConstructorParameters<typeof Bot>[0] = {}): Bot {
  const bot = new Bot(options);
  bot.on("message", () => {
    throw new Error("handler exploded");
  });
  return bot;
}

describe("the default logger", () => {
  it("prints a throwing handler's error and where it happened to stderr", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const bot = throwingBot();
    const client = createTestClient(bot);
    const [frame] = await client.send("secret message text");
    expect(frame).toMatchObject({ type: "error", code: "internal" });
    await until(() => error.mock.calls.length > 0, "console.error to be called");
    const [message, details] = error.mock.calls[0] as [string, Record<string, unknown>];
    expect(message).toContain("handler exploded");
    expect(details.error).toBeInstanceOf(Error);
    expect(details).toMatchObject({ update: "message", sessionId: expect.any(String) });
    // Message contents are never logged.
    expect(JSON.stringify(error.mock.calls)).not.toContain("secret message text");
    await bot.stop();
  });

  it("sends warnings to console.warn and nothing below warn", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const debug = vi.spyOn(console, "debug").mockImplementation(() => {});
    const info = vi.spyOn(console, "info").mockImplementation(() => {});
    const bot = new Bot();
    bot.logger.warn?.("a warning", { where: "here" });
    bot.logger.debug?.("chatter");
    bot.logger.info?.("chatter");
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("a warning"), { where: "here" });
    expect(debug).not.toHaveBeenCalled();
    expect(info).not.toHaveBeenCalled();
  });

  it("is silenced with logger: false or a silent logger", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    for (const logger of [false as const, {} satisfies Logger]) {
      const bot = throwingBot({ logger });
      const [frame] = await createTestClient(bot).send("x");
      expect(frame).toMatchObject({ code: "internal" });
      await bot.stop();
    }
    expect(error).not.toHaveBeenCalled();
  });
});

describe("a logger that throws", () => {
  it("never reaches the caller: handlers, events and the client carry on", async () => {
    const angry = () => {
      throw new Error("logger down");
    };
    const rejecting = () => Promise.reject(new Error("async logger down"));
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      for (const logger of [
        { error: angry, warn: angry, debug: angry },
        { error: rejecting, warn: rejecting },
      ] as Logger[]) {
        const bot = throwingBot({ logger });
        bot.events.on("error", () => {
          throw new Error("listener down too");
        });
        bot.catch(() => {
          throw new Error("catch handler down too");
        });
        expect(() => bot.logger.error?.("direct call")).not.toThrow();
        const client = createTestClient(bot);
        expect((await client.send("one"))[0]).toMatchObject({ code: "internal" });
        expect((await client.send("two"))[0]).toMatchObject({ code: "internal" });
        await bot.stop();
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});
