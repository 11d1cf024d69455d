import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { Bot, type BotError, ClientError } from "../../src/index.js";
import { createTestClient } from "../../src/testing/index.js";
import { serve } from "../../src/transports/ws/index.js";
import { RawClient } from "../helpers/ws-client.js";

describe("error isolation", () => {
  it("a throwing handler gives the client a generic internal error; bot.catch sees the details", async () => {
    const bot = new Bot();
    const caught: BotError[] = [];
    bot.catch((err) => {
      caught.push(err);
    });
    bot.command("boom", () => {
      throw new Error("secret database password in /srv/app/db.ts");
    });
    bot.on("message", (ctx) => ctx.reply("ok"));
    const client = createTestClient(bot);
    const [error] = await client.send("/boom");
    expect(error).toEqual({
      type: "error",
      code: "internal",
      message: "internal error",
      replyTo: expect.stringMatching(/^t\d+$/),
    });
    expect(JSON.stringify(client.frames)).not.toMatch(/secret|\/srv|at /);
    expect(caught).toHaveLength(1);
    expect(String(caught[0]?.error)).toMatch(/secret/);
    expect(caught[0]?.ctx.text).toBe("/boom");
    expect(caught[0]?.message).toMatch(/while handling a message update/);
    // The same connection keeps working.
    expect((await client.send("hi"))[0]?.text).toBe("ok");
    await bot.stop();
  });

  it("a rejected promise and a throwing bot.catch do not crash anything", async () => {
    const bot = new Bot();
    bot.catch(() => {
      throw new Error("catch handler broke too");
    });
    bot.on("message", async () => {
      await Promise.resolve();
      throw "a string, not an Error";
    });
    const client = createTestClient(bot);
    expect((await client.send("x"))[0]?.code).toBe("internal");
    expect((await client.send("y"))[0]?.code).toBe("internal");
    await bot.stop();
  });

  it("exposeErrors sends the message, never the stack", async () => {
    const bot = new Bot({ exposeErrors: true });
    bot.on("message", () => {
      throw new Error("visible in development");
    });
    const client = createTestClient(bot);
    const [error] = await client.send("x");
    expect(error?.message).toBe("visible in development");
    expect(JSON.stringify(error)).not.toMatch(/at .*\.ts/);
    await bot.stop();
  });

  it("ClientError sends its own code", async () => {
    const bot = new Bot();
    bot.on("message", () => {
      throw new ClientError("bad_request", "need a number", { retryAfterMs: 5 });
    });
    const client = createTestClient(bot);
    expect((await client.send("x"))[0]).toMatchObject({
      code: "bad_request",
      message: "need a number",
    });
    await bot.stop();
  });

  it("other connections are unaffected over real sockets", async () => {
    const bot = new Bot();
    bot.hears("crash", () => {
      throw new TypeError("boom");
    });
    bot.on("message", (ctx) => ctx.reply(`ok ${ctx.text}`));
    const handle = serve(bot, { port: 0, host: "127.0.0.1" });
    await handle.ready;
    const url = `ws://127.0.0.1:${(handle.address() as AddressInfo).port}`;
    const a = new RawClient(url);
    const b = new RawClient(url);
    try {
      a.send({ type: "message", id: "1", text: "crash" });
      const error = await a.next("error");
      expect(error).toEqual({
        type: "error",
        code: "internal",
        message: "internal error",
        replyTo: "1",
      });
      b.send("hello");
      expect((await b.next("message")).text).toBe("ok hello");
      a.send("again");
      expect((await a.next("message")).text).toBe("ok again");
    } finally {
      a.close();
      b.close();
      await handle.close();
    }
  });
});

describe("retrying a failed message", () => {
  it("runs a re-sent id again when its first run failed without replying", async () => {
    const bot = new Bot();
    let calls = 0;
    bot.on("message", (ctx) => {
      calls++;
      if (calls === 1) throw new Error("transient");
      return ctx.reply(`ok after ${calls}`);
    });
    const client = createTestClient(bot);
    client.raw('{"type":"message","id":"same","text":"x"}');
    await new Promise((r) => setTimeout(r, 20));
    expect(client.frames.at(-1)).toMatchObject({
      type: "error",
      code: "internal",
      replyTo: "same",
    });
    client.raw('{"type":"message","id":"same","text":"x"}');
    await new Promise((r) => setTimeout(r, 20));
    expect(client.frames.at(-1)).toMatchObject({
      type: "message",
      text: "ok after 2",
      replyTo: "same",
    });
    // Now handled: a third copy replays the reply instead of running again.
    client.raw('{"type":"message","id":"same","text":"x"}');
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).toBe(2);
    expect(client.messages.filter((m) => m.replyTo === "same")).toHaveLength(2);
    expect(client.messages.at(-1)?.seq).toBe(client.messages.at(-2)?.seq);
    await bot.stop();
  });
});

describe("fire-and-forget replies", () => {
  it("a reply that fails while the handler is still running does not crash the process", async () => {
    const bot = new Bot();
    const caught: unknown[] = [];
    bot.catch((err) => {
      caught.push(err.error);
    });
    bot.on("message", async (ctx) => {
      // Not awaited; BigInt cannot be serialised, so this reply rejects.
      void ctx.reply({ data: { n: 10n } });
      await new Promise((r) => setTimeout(r, 20));
    });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const client = createTestClient(bot);
      const [reply] = await client.send("x");
      expect(reply?.code).toBe("internal");
      await new Promise((r) => setTimeout(r, 20));
      expect(unhandled).toEqual([]);
      expect(caught).toHaveLength(1);
    } finally {
      process.off("unhandledRejection", onUnhandled);
      await bot.stop();
    }
  });
});
