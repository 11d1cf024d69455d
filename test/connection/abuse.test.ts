import { describe, expect, it } from "vitest";
import { Bot } from "../../src/index.js";
import { DEFAULT_LIMITS } from "../../src/middleware/index.js";
import { type Ledger, MemoryLedger } from "../../src/storage/index.js";
import { createTestClient } from "../../src/testing/index.js";

describe("server-side bounds against hostile clients", () => {
  it("refuses messages beyond maxQueuedMessages while a handler is slow", async () => {
    const bot = new Bot({ limits: { maxQueuedMessages: 5 } });
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    bot.on("message", async (ctx) => {
      await gate;
      return ctx.reply("done");
    });
    const client = createTestClient(bot);
    for (let i = 0; i < 12; i++)
      client.raw(JSON.stringify({ type: "message", id: `q${i}`, text: "x" }));
    const refused = client.frames.filter((f) => f.type === "error" && f.code === "rate_limited");
    // The handshake task plus 4 messages fill the queue of 5; the rest is refused at once.
    expect(refused.length).toBeGreaterThanOrEqual(7);
    expect(refused[0]).toMatchObject({ retryAfterMs: 1000, message: "too many messages waiting" });
    release();
    await new Promise((r) => setTimeout(r, 20));
    expect(client.messages.filter((m) => m.text === "done").length).toBe(12 - refused.length);
    await bot.stop();
  });

  it("a throwing events listener does not break the connection", async () => {
    const bot = new Bot();
    bot.events.on("violation", () => {
      throw new Error("listener bug");
    });
    bot.events.on("connect", () => {
      throw new Error("listener bug");
    });
    bot.on("message", (ctx) => ctx.reply("ok"));
    const client = createTestClient(bot);
    client.raw("{bad json");
    expect(client.frames.at(-1)).toMatchObject({ type: "error", code: "bad_request" });
    expect((await client.send("hi"))[0]?.text).toBe("ok");
    await bot.stop();
  });

  it("a resume attempt that closes during the handshake leaves nothing attached", async () => {
    const memory = new MemoryLedger(DEFAULT_LIMITS);
    let slow = false;
    // A ledger that answers `open` late, as Redis may.
    const ledger: Ledger = Object.create(memory, {
      open: {
        value: async (request: Parameters<Ledger["open"]>[0]) => {
          if (slow) await new Promise((r) => setTimeout(r, 30));
          return memory.open(request);
        },
      },
    });
    const bot = new Bot({ ledger });
    bot.on("message", (ctx) => ctx.reply("ok"));
    const first = createTestClient(bot);
    await first.send("hi");
    const session = first.session as string;
    slow = true;
    for (let i = 0; i < 5; i++) {
      const dropped = createTestClient(bot, { session, lastSeq: 1 });
      await dropped.close();
    }
    await new Promise((r) => setTimeout(r, 60));
    // @ts-expect-error reaching into the hub's fan-out for the live map
    const live: Map<string, readonly unknown[]> = bot.hub.fanout.live;
    expect(live.get(session)?.length ?? 0).toBe(1);
    await bot.stop();
  });
});

describe("graceful stop", () => {
  it("waits for disconnect handlers of idle connections", async () => {
    const bot = new Bot();
    let finished = false;
    bot.on("disconnect", async () => {
      await new Promise((r) => setTimeout(r, 30));
      finished = true;
    });
    bot.on("message", (ctx) => ctx.reply("ok"));
    const client = createTestClient(bot);
    await client.send("hi");
    await new Promise((r) => setTimeout(r, 10)); // the connection is idle now
    await bot.stop();
    expect(finished).toBe(true);
  });
});
