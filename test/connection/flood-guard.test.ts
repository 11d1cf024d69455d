import { afterEach, describe, expect, it, vi } from "vitest";
import { Bot } from "../../src/index.js";
import type { ErrorFrame } from "../../src/protocol/index.js";
import { createTestClient, type TestClient } from "../../src/testing/index.js";

afterEach(() => {
  vi.useRealTimers();
});

const frame = (id: string) => JSON.stringify({ type: "message", id, text: "x" });

function refusals(client: TestClient) {
  return client.frames.filter(
    (f): f is ErrorFrame => f.type === "error" && f.code === "rate_limited",
  );
}

describe("the per-connection flood guard judges the client, not the server's backlog", () => {
  it("refuses a burst beyond the bucket with retryAfterMs, and does not close for it", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const bot = new Bot({ limits: { messagesPerSecond: 5, burst: 10, maxViolations: 3 } });
    bot.on("message", (ctx) => ctx.reply("ok"));
    const client = createTestClient(bot);
    // 50 frames in one go, as a client re-sending its offline queue after a reconnect does.
    for (let i = 0; i < 50; i++) client.raw(frame(`b${i}`));
    await vi.waitFor(() => expect(client.messages).toHaveLength(10));
    expect(refusals(client)).toHaveLength(40);
    expect(refusals(client)[0]?.retryAfterMs).toBeGreaterThan(0);
    expect(client.closed).toBeUndefined();
    // It waits as told, then goes on.
    vi.setSystemTime(Date.now() + 10_000);
    client.raw(frame("after"));
    await vi.waitFor(() => expect(client.messages.at(-1)?.replyTo).toBe("after"));
    expect(client.closed).toBeUndefined();
    await bot.stop();
  });

  it("closes with 4429 a client that goes on sending while told to wait", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const bot = new Bot({ limits: { messagesPerSecond: 0.1, burst: 1, maxViolations: 3 } });
    bot.on("message", (ctx) => ctx.reply("ok"));
    const client = createTestClient(bot);
    client.raw(frame("first"));
    client.raw(frame("refused")); // the bucket is empty: told to wait ~10 s
    for (let i = 0; i < 6 && client.closed === undefined; i++) {
      // Each one arrives well after the refusal reached the client, still inside a wait.
      vi.setSystemTime(Date.now() + 1001);
      client.raw(frame(`again${i}`));
      client.raw(frame(`and-again${i}`));
    }
    await vi.waitFor(() => expect(client.closed?.code).toBe(4429));
    await bot.stop();
  });

  it("never counts a refusal for the server's own backlog against the client", async () => {
    const bot = new Bot({ limits: { maxQueuedMessages: 3, maxViolations: 1 } });
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    bot.on("message", async (ctx) => {
      await gate;
      return ctx.reply("done");
    });
    const client = createTestClient(bot);
    for (let i = 0; i < 20; i++) client.raw(frame(`q${i}`));
    expect(refusals(client).length).toBeGreaterThan(10);
    expect(refusals(client)[0]?.message).toBe("too many messages waiting");
    expect(client.closed).toBeUndefined();
    release();
    await vi.waitFor(() => expect(client.messages.length).toBe(20 - refusals(client).length));
    await bot.stop();
  });
});

describe("the per-address message budget", () => {
  it("is shared by every connection of an address: reconnecting does not refill it", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const bot = new Bot({
      limits: { burst: 10, messagesPerSecond: 10, addressBurst: 15, addressMessagesPerSecond: 1 },
    });
    bot.on("message", (ctx) => ctx.reply("ok"));
    const { MemoryTransport } = await import("../../src/testing/index.js");
    const transport = new MemoryTransport();
    await bot.start(transport);
    const replies: string[] = [];
    const connect = (address: string) =>
      transport.connect(
        {
          receive: (raw) => {
            const f = JSON.parse(raw) as { type: string; code?: string };
            if (f.type !== "welcome") replies.push(f.type === "error" ? `${f.code}` : "ok");
          },
          closed: () => undefined,
        },
        { remoteAddress: address },
      );
    // Two connections from one address, ten messages each: each within its own bucket,
    // but together over the address's 15.
    for (const connection of [connect("203.0.113.7"), connect("203.0.113.7")]) {
      for (let i = 0; i < 10; i++) connection.send(frame(`m${i}`));
    }
    await vi.waitFor(() => expect(replies).toHaveLength(20));
    expect(replies.filter((r) => r === "ok")).toHaveLength(15);
    expect(replies.filter((r) => r === "rate_limited")).toHaveLength(5);
    // Another address has a budget of its own.
    const other = connect("198.51.100.1");
    other.send(frame("x"));
    await vi.waitFor(() => expect(replies).toHaveLength(21));
    expect(replies.at(-1)).toBe("ok");
    await bot.stop();
  });
});
