import { afterEach, describe, expect, it } from "vitest";
import {
  BotClient,
  ConnectionClosedError,
  NoReplyError,
  QueueFullError,
  RequestTimeoutError,
  ServerError,
} from "../../src/client/node.js";
import { Bot } from "../../src/index.js";
import { SessionLostError } from "../../src/storage/index.js";
import { fast, gate, type Served, serveBot, until } from "./helpers.js";

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function setup(configure: (bot: Bot) => void) {
  const bot = new Bot();
  configure(bot);
  const served: Served = await serveBot(bot);
  cleanup.push(() => served.stop());
  const client = new BotClient(served.url, fast);
  cleanup.push(() => client.close());
  return { bot, served, client };
}

describe("BotClient request/reply", () => {
  it("resolves request() with the reply to that message id", async () => {
    const { client } = await setup((bot) => {
      bot.command("ping", (ctx) => ctx.reply({ text: "pong", data: { n: 1 } }));
      bot.on("message", (ctx) => ctx.reply(`echo: ${ctx.text}`));
    });
    const opened: unknown[] = [];
    const confirmed: string[] = [];
    client.on("open", (e) => opened.push(e));
    client.on("confirmed", (id) => confirmed.push(id));
    await client.connect();
    expect(client.state).toBe("open");
    expect(opened).toEqual([{ session: client.session, resumed: false, gap: false }]);
    const [a, b] = await Promise.all([client.request("/ping"), client.request("hi")]);
    expect(a).toMatchObject({ text: "pong", data: { n: 1 } });
    expect(b?.text).toBe("echo: hi");
    expect(a?.replyTo).not.toBe(b?.replyTo);
    expect([a?.seq, b?.seq].sort()).toEqual([1, 2]);
    expect(client.lastSeq).toBe(2);
    expect(client.unconfirmed).toBe(0);
    expect(confirmed.sort()).toEqual([a?.replyTo, b?.replyTo].sort());
  });

  it("rejects with typed errors: server error, no reply, timeout", async () => {
    const hold = gate();
    const { client } = await setup((bot) => {
      bot.command("fail", () => {
        throw new Error("secret detail");
      });
      bot.command("silent", () => undefined);
      bot.command("slow", () => hold.promise);
    });
    await client.connect();
    const failed = await client.request("/fail").catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ServerError);
    expect(failed).toMatchObject({ code: "internal", message: "internal error" });
    const silent = await client.request("/silent").catch((e: unknown) => e);
    expect(silent).toBeInstanceOf(NoReplyError);
    const slow = await client
      .request("/slow", undefined, { timeoutMs: 30 })
      .catch((e: unknown) => e);
    expect(slow).toBeInstanceOf(RequestTimeoutError);
    expect((slow as RequestTimeoutError).timeoutMs).toBe(30);
    // The timed-out message is still unconfirmed: the server has not finished it.
    expect(client.unconfirmed).toBe(1);
    hold.open();
    await until(() => client.unconfirmed === 0, "receipt of the slow message");
  });

  it("emits error frames without a waiting request as `error` events", async () => {
    const { client } = await setup((bot) => {
      bot.command("fail", () => {
        throw new Error("boom");
      });
    });
    const errors: Error[] = [];
    client.on("error", (e) => errors.push(e));
    await client.connect();
    const id = client.send("/fail");
    await until(() => errors.length > 0, "error event");
    expect(errors[0]).toBeInstanceOf(ServerError);
    expect((errors[0] as ServerError).replyTo).toBe(id);
    expect(client.unconfirmed).toBe(0);
  });

  it("bounds the offline queue with a clear error, and close() rejects pending requests", async () => {
    const client = new BotClient("ws://127.0.0.1:9", { maxQueue: 2, reconnect: false });
    client.send("one");
    const pending = client.request("two");
    expect(() => client.send("three")).toThrow(QueueFullError);
    expect(() => client.send("three")).toThrow(/maxQueue/);
    await expect(client.request("four")).rejects.toBeInstanceOf(QueueFullError);
    expect(client.unconfirmed).toBe(2);
    const failed = expect(client.connect()).rejects.toBeInstanceOf(ConnectionClosedError);
    await failed;
    await expect(pending).rejects.toBeInstanceOf(ConnectionClosedError);
    expect(client.state).toBe("closed");
  });

  it("close() before connecting, or after closing, rejects requests waiting to be sent", async () => {
    const client = new BotClient("ws://127.0.0.1:9", {
      reconnect: false,
      requestTimeoutMs: 60_000,
    });
    const waiting = client.request("queued before any connect()");
    await client.close();
    await expect(waiting).rejects.toBeInstanceOf(ConnectionClosedError);
    expect(client.state).toBe("idle");
    // The message itself stays queued for a later connect(), as after a close when open.
    expect(client.unconfirmed).toBe(1);
    await expect(client.connect()).rejects.toBeInstanceOf(ConnectionClosedError);
    const again = client.request("queued after the client closed");
    await client.close();
    await expect(again).rejects.toThrow(/client closed/);
  });

  it("sends a message again when the server lost the session under its handler", async () => {
    let calls = 0;
    const { client } = await setup((bot) => {
      bot.logger.error = () => {};
      bot.on("message", (ctx) => {
        if (++calls === 1) throw new SessionLostError("gone"); // e.g. Redis restarted empty
        return ctx.reply(`ok ${ctx.text}`);
      });
    });
    await client.connect();
    // Closed with 1011 and no error frame: the client reconnects and sends it again.
    expect((await client.request("hello")).text).toBe("ok hello");
    expect(calls).toBe(2);
  });

  it("validates its arguments with errors that name the option", () => {
    expect(() => new BotClient("http://x")).toThrow(TypeError);
    expect(() => new BotClient("ws://x", { requestTimeoutMs: -1 })).toThrow(/requestTimeoutMs/);
    expect(() => new BotClient("ws://x", { reconnect: { factor: 0.5 } })).toThrow(/factor/);
    expect(() => new BotClient("ws://x", { maxQueue: 0 })).toThrow(RangeError);
    const client = new BotClient("ws://x", { maxFrameBytes: 100 });
    expect(() => client.send("x".repeat(200))).toThrow(/maxFrameBytes/);
    expect(() => client.send(42 as unknown as string)).toThrow(TypeError);
  });
});
