import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { DRAIN_SPREAD } from "../../src/connection/drain.js";
import { Bot } from "../../src/index.js";
import type { GoawayFrame } from "../../src/protocol/index.js";
import { createTestClient, MemoryTransport } from "../../src/testing/index.js";
import { type ServeHandle, serve } from "../../src/transports/ws/index.js";
import { until } from "../helpers/until.js";
import { RawClient } from "../helpers/ws-client.js";

// bot.stop({ drainMs }) / handle.close({ drainMs }): a node leaving a cluster tells its
// clients to reconnect elsewhere, each at a moment of its own, keeps serving them until they
// go, lets running handlers finish, and refuses newcomers meanwhile.

const handles: ServeHandle[] = [];
afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.close()));
});

async function served(bot: Bot) {
  const handle = serve(bot, { port: 0, host: "127.0.0.1", allowedOrigins: "*" });
  handles.push(handle);
  await handle.ready;
  return { handle, url: `ws://127.0.0.1:${(handle.address() as AddressInfo).port}` };
}

const goaways = (client: RawClient) =>
  client.frames.filter((f) => f.type === "goaway") as unknown as GoawayFrame[];

describe("draining before a stop", () => {
  it("tells every connection to go, each after its own delay within the window", async () => {
    const bot = new Bot({ logger: false });
    bot.on("message", (ctx) => ctx.reply("ok"));
    const { handle, url } = await served(bot);
    const clients = await Promise.all(
      Array.from({ length: 30 }, async () => {
        const client = new RawClient(url);
        client.send({ type: "hello" });
        await client.next("welcome");
        return client;
      }),
    );
    const drainMs = 60_000;
    const stopped = handle.close({ drainMs });
    await until(
      () => clients.every((c) => goaways(c).length === 1),
      "a goaway on every connection",
    );
    const delays = clients.map((c) => Number(goaways(c)[0]?.reconnectAfterMs));
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(drainMs * DRAIN_SPREAD);
    }
    // Spread, not one moment: 30 uniform draws over 48 s fall in more than 5 of 10 slices.
    const slices = new Set(delays.map((d) => Math.floor((d / (drainMs * DRAIN_SPREAD)) * 10)));
    expect(slices.size).toBeGreaterThan(5);
    // Still served while draining.
    clients[0]?.send({ type: "message", id: "m1", text: "still there?" });
    await clients[0]?.next("message", { replyTo: "m1" });
    // Once all have gone, the stop completes without waiting out the window.
    for (const client of clients) client.close();
    await stopped;
    expect(bot.running).toBe(false);
  });

  it("refuses new connections with 503 while draining", async () => {
    const bot = new Bot({ logger: false });
    const { handle, url } = await served(bot);
    const stay = new RawClient(url);
    await stay.opened;
    const stopped = handle.close({ drainMs: 60_000 });
    await expect(new RawClient(url).opened).rejects.toThrow("HTTP 503");
    stay.close();
    await stopped;
  });

  it("lets a running handler finish after the window; its reply still goes out, unaborted", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let aborted: boolean | undefined;
    const bot = new Bot({ logger: false, stopTimeoutMs: 60_000 });
    bot.on("message", async (ctx) => {
      await gate;
      aborted = ctx.signal.aborted;
      await ctx.reply("finished");
    });
    const { handle, url } = await served(bot);
    const client = new RawClient(url);
    client.send({ type: "hello" });
    await client.next("welcome");
    client.send({ type: "message", id: "slow", text: "work" });
    // A short window the client ignores: the handler is still running when it ends.
    const stopped = handle.close({ drainMs: 50 });
    await client.next("goaway");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(bot.running).toBe(true);
    release();
    const reply = await client.next("message", { replyTo: "slow" });
    expect(reply.text).toBe("finished");
    expect(aborted).toBe(false);
    await stopped;
    expect((await client.waitClose()).code).toBe(1001);
  });

  it("tells a connection that opens during the drain to go at once (transports that cannot refuse)", async () => {
    const bot = new Bot({ logger: false });
    const first = createTestClient(bot);
    await until(() => first.session !== undefined, "the first welcome");
    const stopped = bot.stop(undefined, { drainMs: 60_000 });
    const late = createTestClient(bot);
    await until(() => late.frames.some((f) => f.type === "goaway"), "a goaway for the newcomer");
    expect(late.frames.find((f) => f.type === "goaway")).toEqual({
      type: "goaway",
      reconnectAfterMs: 0,
    });
    await first.close();
    await late.close();
    await stopped;
  });

  it("takes the options first too (bot.stop({ drainMs })), and ignores a transport not running", async () => {
    const bot = new Bot({ logger: false });
    const client = createTestClient(bot);
    await until(() => client.session !== undefined, "the welcome");
    // Another transport, never started: stopping it leaves the bot running.
    await bot.stop(new MemoryTransport());
    expect(bot.running).toBe(true);
    const stopped = bot.stop({ drainMs: 60_000 });
    await until(() => client.frames.some((f) => f.type === "goaway"), "a goaway");
    expect(bot.running).toBe(true); // draining: still serving until the client leaves
    await client.close();
    await stopped;
    expect(bot.running).toBe(false);
    expect(() => bot.stop({ drainMs: -1 })).toThrow(/drainMs/);
  });

  it("rejects a bad drainMs naming it", () => {
    const bot = new Bot({ logger: false });
    expect(() => bot.stop(undefined, { drainMs: -1 })).toThrow(/drainMs/);
    expect(() => bot.stop(undefined, { drainMs: Number.NaN })).toThrow(/drainMs/);
    expect(() => bot.stop(undefined, null as never)).toThrow(TypeError);
  });
});
