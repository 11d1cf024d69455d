import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Bot } from "../../src/index.js";
import { createTestClient } from "../../src/testing/index.js";
import { type ServeHandle, serve } from "../../src/transports/ws/index.js";
import { RawClient } from "../helpers/ws-client.js";

function dataBot() {
  const bot = new Bot({ limits: { maxTextLength: 1000 } });
  bot.on("message", (ctx) => {
    const data = ctx.data as Record<string, unknown> | undefined;
    // Merging untrusted data must not pollute prototypes.
    const merged = Object.assign({}, data);
    return ctx.reply({
      text: `ok ${ctx.text ?? ""}`,
      data: {
        keys: Object.keys(merged),
        polluted: ({} as { polluted?: unknown }).polluted ?? null,
      },
    });
  });
  return bot;
}

const BAD_FRAMES: Array<[string, string, string]> = [
  ["invalid JSON", "{not json", "bad_request"],
  ["wrong types", '{"type":"message","text":{"a":1}}', "bad_request"],
  ["unknown type", '{"type":"subscribe","channel":"x"}', "bad_request"],
  ["oversize text", JSON.stringify({ type: "message", text: "x".repeat(1001) }), "too_large"],
  [
    "deeply nested",
    `{"type":"message","data":${'{"a":'.repeat(100)}1${"}".repeat(100)}}`,
    "bad_request",
  ],
  ["ack before welcome is fine only after; hello twice", '{"type":"hello"}', "bad_request"],
];

describe("hostile frames (in memory)", () => {
  it("answers each bad frame and keeps serving", async () => {
    const bot = dataBot();
    const client = createTestClient(bot);
    await client.send("first");
    for (const [, raw, code] of BAD_FRAMES) {
      const before = client.frames.length;
      client.raw(raw);
      await new Promise((r) => setTimeout(r, 0));
      expect(client.frames.slice(before)).toEqual([
        expect.objectContaining({ type: "error", code }),
      ]);
    }
    expect((await client.send("still alive"))[0]?.text).toBe("ok still alive");
    expect(client.closed).toBeUndefined();
    await bot.stop();
  });

  it("drops __proto__ and constructor keys", async () => {
    const bot = dataBot();
    const client = createTestClient(bot);
    const [reply] = await client.send(
      "x",
      JSON.parse(
        '{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},"safe":1}',
      ),
    );
    expect(reply?.data).toEqual({ keys: ["safe"], polluted: null });
    client.raw('{"type":"message","id":"p","text":"y","data":{"__proto__":{"polluted":true}}}');
    await new Promise((r) => setTimeout(r, 10));
    expect(client.messages.at(-1)?.data).toEqual({ keys: [], polluted: null });
    await bot.stop();
  });

  it("closes with 4429 only under sustained abuse", async () => {
    const bot = new Bot({ limits: { maxViolations: 5 } });
    bot.on("message", (ctx) => ctx.reply("ok"));
    const client = createTestClient(bot);
    for (let i = 0; i < 5; i++) client.raw("{bad");
    expect(client.closed).toBeUndefined();
    client.raw("{bad");
    expect(client.closed?.code).toBe(4429);
    await bot.stop();
  });

  it("rate-limits a flood per connection but handles 50 back-to-back messages", async () => {
    const bot = new Bot({ limits: { burst: 60, messagesPerSecond: 1 } });
    bot.on("message", (ctx) => ctx.reply(ctx.text ?? ""));
    const client = createTestClient(bot);
    const replies = await Promise.all(Array.from({ length: 50 }, (_, i) => client.send(String(i))));
    expect(replies.map((r) => r[0]?.text)).toEqual(Array.from({ length: 50 }, (_, i) => String(i)));
    const more = await Promise.all(Array.from({ length: 15 }, () => client.send("flood")));
    const limited = more.filter((r) => r[0]?.code === "rate_limited");
    expect(limited.length).toBeGreaterThanOrEqual(5);
    expect(limited[0]?.[0]?.retryAfterMs).toBeGreaterThan(0);
    await bot.stop();
  });
});

describe("hostile frames (real sockets)", () => {
  let handle: ServeHandle;
  let url: string;
  beforeAll(async () => {
    handle = serve(dataBot(), { port: 0, host: "127.0.0.1", maxPayload: 64 * 1024 });
    await handle.ready;
    url = `ws://127.0.0.1:${(handle.address() as AddressInfo).port}`;
  });
  afterAll(() => handle.close());

  it("answers every bad frame with an error frame and keeps the connection usable", async () => {
    const c = new RawClient(url);
    try {
      c.send("hello");
      await c.next("message");
      for (const [name, raw, code] of BAD_FRAMES) {
        const from = c.frames.length;
        c.send(raw);
        const error = await c.next("error", {}, from);
        expect(error.code, name).toBe(code);
        expect(JSON.stringify(error)).not.toMatch(/at |node_modules|\.ts/);
      }
      c.send({ type: "message", id: "ok", text: "after" });
      expect((await c.next("message", { replyTo: "ok" })).text).toBe("ok after");
    } finally {
      c.close();
    }
  });

  it("a frame over maxPayload closes only that connection (1009)", async () => {
    const big = new RawClient(url);
    const other = new RawClient(url);
    try {
      big.send("x".repeat(70 * 1024));
      expect((await big.waitClose()).code).toBe(1009);
      other.send("fine");
      expect((await other.next("message")).text).toBe("ok fine");
    } finally {
      other.close();
    }
  });
});
