import { describe, expect, it } from "vitest";
import { Bot } from "../../src/index.js";
import { DEFAULT_LIMITS } from "../../src/middleware/index.js";
import { MemoryBroker, MemoryLedger } from "../../src/storage/index.js";
import { createTestClient } from "../../src/testing/index.js";

/** Two bots sharing a ledger and a broker: two "nodes" in one process. */
function cluster() {
  const ledger = new MemoryLedger(DEFAULT_LIMITS);
  const broker = new MemoryBroker();
  const make = (name: string) => {
    const bot = new Bot({ ledger, broker });
    bot.command("join", async (ctx) => {
      await ctx.join(ctx.command?.args || "news");
      return ctx.reply(`${name}: joined`);
    });
    bot.command("leave", async (ctx) => {
      await ctx.leave("news");
      return ctx.reply(`${name}: left`);
    });
    bot.on("message", (ctx) => ctx.reply(`${name}: ${ctx.text}`));
    return bot;
  };
  return { a: make("a"), b: make("b") };
}

const tick = () => new Promise((r) => setTimeout(r, 10));

describe("rooms and broadcast", () => {
  it("reaches every member on every node exactly once, and not non-members", async () => {
    const { a, b } = cluster();
    const onA = createTestClient(a);
    const onB = createTestClient(b);
    const outsider = createTestClient(b);
    await onA.send("/join");
    await onB.send("/join");
    await outsider.send("hi");
    expect(await a.broadcast("news", { text: "breaking", data: { n: 1 } })).toBe(2);
    await tick();
    for (const c of [onA, onB]) {
      const got = c.messages.filter((m) => m.text === "breaking");
      expect(got).toHaveLength(1);
      expect(got[0]).toMatchObject({ data: { n: 1 } });
      expect(got[0]?.replyTo).toBeUndefined();
    }
    expect(outsider.messages.some((m) => m.text === "breaking")).toBe(false);
    await onB.send("/leave");
    expect(await b.broadcast("news", "second")).toBe(1);
    await tick();
    expect(onA.messages.filter((m) => m.text === "second")).toHaveLength(1);
    expect(onB.messages.filter((m) => m.text === "second")).toHaveLength(0);
    await a.stop();
    await b.stop();
  });

  it("membership survives a reconnect to another node; offline members get it on resume", async () => {
    const { a, b } = cluster();
    const first = createTestClient(a);
    await first.send("/join");
    const session = first.session as string;
    const lastSeq = first.messages.at(-1)?.seq ?? 0;
    await first.close();
    // Broadcast while the member is offline: it waits in the outbox.
    expect(await a.broadcast("news", "while away")).toBe(1);
    const again = createTestClient(b, { session, lastSeq });
    await again.send("back");
    expect(again.frames[0]).toMatchObject({ type: "welcome", session, resumed: true });
    expect(again.messages.map((m) => m.text)).toEqual(["while away", "b: back"]);
    await b.broadcast("news", "live");
    await tick();
    expect(again.messages.filter((m) => m.text === "live")).toHaveLength(1);
    await a.stop();
    await b.stop();
  });

  it("sendTo reaches a session on another node, or waits in its outbox", async () => {
    const { a, b } = cluster();
    const c = createTestClient(b);
    await c.send("hello");
    const session = c.session as string;
    expect(await a.sendTo({ session }, "pushed from a")).toBe(1);
    await tick();
    expect(c.messages.at(-1)).toMatchObject({ text: "pushed from a" });
    expect(c.messages.at(-1)?.replyTo).toBeUndefined();
    expect(await a.sendTo({ session: "no-such-session" }, "x")).toBe(0);
    await a.stop();
    await b.stop();
  });

  it("skips a member whose session expired meanwhile and reaches the others", async () => {
    const bot = new Bot({ limits: { sessionTtlMs: 100 }, logger: false });
    bot.command("join", async (ctx) => {
      await ctx.join("news");
      return ctx.reply("joined");
    });
    const gone = createTestClient(bot);
    const live = createTestClient(bot);
    await gone.send("/join");
    await live.send("/join");
    await gone.close();
    await new Promise((r) => setTimeout(r, 250)); // its session expires; the room still lists it
    expect(await bot.broadcast("news", "hi")).toBe(1);
    await tick();
    expect(live.messages.map((m) => m.text)).toContain("hi");
    await bot.stop();
  });

  it("rejects bad room names and recipients", async () => {
    const bot = new Bot();
    await expect(bot.broadcast("", "x")).rejects.toThrow(TypeError);
    await expect(bot.sendTo({} as { session: string }, "x")).rejects.toThrow(/user.*session/);
    bot.command("bad", (ctx) => ctx.join(""));
    const client = createTestClient(bot);
    expect((await client.send("/bad"))[0]?.code).toBe("internal");
    await bot.stop();
  });
});
