import { randomUUID } from "node:crypto";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { Bot } from "../../src/index.js";
import { DEFAULT_LIMITS } from "../../src/middleware/index.js";
import { RedisBroker, RedisLedger } from "../../src/redis/index.js";
import { MemoryLedger } from "../../src/storage/index.js";
import { createTestClient } from "../../src/testing/index.js";
import { redisFixture, skipWithoutRedis } from "../helpers/redis-available.js";
import { until } from "../helpers/until.js";
import type { Frame } from "../helpers/ws-client.js";
import { connect, start } from "../session/helpers.js";

const skip = await skipWithoutRedis("claim renewal of slow handlers on Redis");
const prefix = `claim-renewal:${randomUUID()}:`;
const stops: Array<() => Promise<void>> = [];

// Generous enough that a busy machine's event-loop stalls (a few hundred ms) do not let a
// renewed lease lapse; the handler still outlasts several leases.
const LEASE_MS = 400;
const HANDLER_MS = 1200;

const redis = redisFixture(prefix);
const redisClient = () => redis.client();

/** Handler runs across every node of a test, by message id. */
let runs = new Map<string, number>();

/** A node of its own (ledger, broker, port) whose handler is three leases slow. */
async function node(name: string) {
  const ledger = new RedisLedger(redisClient(), { prefix, claimLeaseMs: LEASE_MS });
  const bot = new Bot({
    ledger,
    broker: new RedisBroker(redisClient(), redisClient(), { prefix }),
  });
  bot.on("message", async (ctx) => {
    const id = ctx.message?.id ?? "";
    const run = (runs.get(id) ?? 0) + 1;
    runs.set(id, run);
    await new Promise((resolve) => setTimeout(resolve, HANDLER_MS));
    await ctx.reply(`${name}: run ${run} of ${ctx.text}`);
  });
  const server = await start(bot);
  stops.push(server.close);
  return server.url;
}

const repliesTo = (frames: Frame[], id: string) =>
  frames.filter((f) => f.type === "message" && f.replyTo === id);

afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
  runs = new Map();
});

afterAll(async () => {
  if (!skip) await redis.cleanup();
});

describe.skipIf(skip)("a handler slower than claimLeaseMs (RedisLedger)", () => {
  it("a re-send on another node while the first connection is open gets the original reply", async () => {
    const [urlA, urlB] = await Promise.all([node("A"), node("B")]);
    const first = await connect(urlA);
    first.raw.send({ type: "message", id: "slow-1", text: "hi" });
    await until(() => runs.get("slow-1") === 1, "the handler to start");
    // Well past the first lease: without renewal, B would take the claim over and run it again.
    await new Promise((resolve) => setTimeout(resolve, LEASE_MS * 1.75));
    expect(runs.get("slow-1")).toBe(1);
    const second = await connect(urlB, { session: first.welcome.session, lastSeq: 0 });
    expect(second.welcome).toMatchObject({ resumed: true });
    second.raw.send({ type: "message", id: "slow-1", text: "hi" });
    const original = await first.answer("slow-1");
    expect(original).toMatchObject({ type: "message", text: "A: run 1 of hi" });
    const resent = await second.answer("slow-1");
    expect(resent).toMatchObject({ type: "message", seq: original.seq, text: "A: run 1 of hi" });
    // Give a second run (if any) the time to finish and reply.
    await new Promise((resolve) => setTimeout(resolve, HANDLER_MS + 200));
    expect(runs.get("slow-1")).toBe(1);
    const all = [
      ...repliesTo(first.raw.frames, "slow-1"),
      ...repliesTo(second.raw.frames, "slow-1"),
    ];
    expect(new Set(all.map((f) => f.text))).toEqual(new Set(["A: run 1 of hi"]));
    expect(second.raw.frames.some((f) => f.type === "error")).toBe(false);
    await Promise.all([first.close(), second.close()]);
  });

  it("a re-send after the first connection dropped mid-handler is not handled again", async () => {
    const [urlA, urlB] = await Promise.all([node("A"), node("B")]);
    const first = await connect(urlA);
    first.raw.send({ type: "message", id: "slow-2", text: "yo" });
    await until(() => runs.get("slow-2") === 1, "the handler to start");
    // The connection drops while the handler runs on A; the client resumes on B and re-sends.
    await first.close();
    await new Promise((resolve) => setTimeout(resolve, LEASE_MS * 1.5));
    const second = await connect(urlB, { session: first.welcome.session, lastSeq: 0 });
    expect(second.welcome).toMatchObject({ resumed: true });
    second.raw.send({ type: "message", id: "slow-2", text: "yo" });
    expect(await second.answer("slow-2")).toMatchObject({
      type: "message",
      text: "A: run 1 of yo",
    });
    await new Promise((resolve) => setTimeout(resolve, HANDLER_MS + 200));
    expect(runs.get("slow-2")).toBe(1);
    const texts = new Set(repliesTo(second.raw.frames, "slow-2").map((f) => f.text));
    expect(texts).toEqual(new Set(["A: run 1 of yo"]));
    await second.close();
  });
});

describe.skipIf(skip)("claim renewal failures", () => {
  it("are logged as warnings; the message is still handled and answered", async () => {
    class FlakyLedger extends RedisLedger {
      calls = 0;
      override renewClaim(): Promise<void> {
        this.calls++;
        if (this.calls === 1) throw new Error("renew threw");
        return Promise.reject(new Error("renew rejected"));
      }
    }
    const ledger = new FlakyLedger(redisClient(), { prefix, claimLeaseMs: 60 });
    const warn = vi.fn();
    const error = vi.fn();
    const bot = new Bot({ ledger, logger: { warn, error } });
    bot.on("message", async (ctx) => {
      // Until two renewals failed: a fixed sleep may see fewer on a busy machine.
      await until(() => ledger.calls >= 2, "two renewal attempts");
      await ctx.reply("still fine");
    });
    const client = createTestClient(bot);
    const replies = await client.send("hi");
    expect(replies).toMatchObject([{ type: "message", text: "still fine" }]);
    expect(ledger.calls).toBeGreaterThanOrEqual(2);
    expect(warn).toHaveBeenCalledWith("ledger claim renewal failed", {
      error: expect.any(Error),
    });
    expect(error).not.toHaveBeenCalled();
    await client.close();
    await bot.stop();
  });
});

describe("claim renewal in the bot (any ledger with renewClaim)", () => {
  class RenewingLedger extends MemoryLedger {
    readonly claimLeaseMs = 30;
    readonly renewClaim = vi.fn();
  }

  it("starts no timer for synchronous handling", async () => {
    const ledger = new RenewingLedger(DEFAULT_LIMITS);
    const bot = new Bot({ ledger });
    bot.on("message", (ctx) => ctx.reply("sync"));
    const client = createTestClient(bot);
    const setInterval = vi.spyOn(globalThis, "setInterval");
    try {
      expect(await client.send("hi")).toMatchObject([{ text: "sync" }]);
      expect(setInterval).not.toHaveBeenCalled();
    } finally {
      setInterval.mockRestore();
    }
    expect(ledger.renewClaim).not.toHaveBeenCalled();
    await client.close();
    await bot.stop();
  });

  it("renews every third of the lease while an async handler runs, and stops after it", async () => {
    const ledger = new RenewingLedger(DEFAULT_LIMITS);
    const bot = new Bot({ ledger });
    bot.on("message", async (ctx) => {
      // Runs until the lease was renewed 4 times (a fixed sleep may see fewer under load).
      await until(() => ledger.renewClaim.mock.calls.length >= 4, "4 renewals");
      await ctx.reply("slow");
    });
    const client = createTestClient(bot);
    expect(await client.send("hi")).toMatchObject([{ text: "slow" }]);
    const sid = ledger.renewClaim.mock.calls[0]?.[0];
    const id = ledger.renewClaim.mock.calls[0]?.[1];
    expect(typeof sid).toBe("string");
    expect(typeof id).toBe("string");
    const after = ledger.renewClaim.mock.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ledger.renewClaim.mock.calls.length).toBe(after);
    await client.close();
    await bot.stop();
  });
});
