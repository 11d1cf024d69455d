import { afterEach, describe, expect, it } from "vitest";
import { Bot } from "../../src/index.js";
import type { ActivityFrame } from "../../src/protocol/index.js";
import { createTestClient, type TestClient } from "../../src/testing/index.js";
import { until } from "../helpers/until.js";

let bot: Bot;
afterEach(async () => {
  await bot?.stop();
});

const kinds = (client: TestClient) => client.activities.map((a) => a.kind);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Index in `client.frames` of the first frame answering `id` that is not an activity. */
function answerIndex(client: TestClient, id: string) {
  return client.frames.findIndex(
    (f) =>
      (f.type === "message" && f.replyTo === id) ||
      (f.type === "receipt" && f.id === id) ||
      (f.type === "error" && f.replyTo === id),
  );
}

describe("typing while a handler runs", () => {
  it("shows typing after the delay, renews it before it expires, and ends with idle", async () => {
    bot = new Bot({ logger: false, streaming: { typingDelayMs: 20, typingTtlMs: 60 } });
    bot.on("message", async (ctx) => {
      await sleep(200);
      await ctx.reply("done");
    });
    const client = createTestClient(bot);
    await client.send("slow");
    const id = String(client.lastMessageId);
    const typing = client.activities.filter((a) => a.kind === "typing");
    // 20 ms delay, then every 40 ms (two thirds of 60) for ~180 ms: several renewals.
    expect(typing.length).toBeGreaterThanOrEqual(3);
    for (const a of typing)
      expect(a).toEqual({ type: "activity", replyTo: id, kind: "typing", ttlMs: 60 });
    expect(kinds(client).at(-1)).toBe("idle");
    // Nothing after the handler ended, even past a renewal period.
    const count = client.activities.length;
    await sleep(150);
    expect(client.activities.length).toBe(count);
  });

  it("shows nothing for a fast handler", async () => {
    bot = new Bot({ logger: false, streaming: { typingDelayMs: 100 } });
    bot.command("sync", (ctx) => ctx.reply("now"));
    bot.command("quick", async (ctx) => {
      await sleep(5);
      await ctx.reply("soon");
    });
    const client = createTestClient(bot);
    await client.send("/sync");
    await client.send("/quick");
    await sleep(150);
    expect(client.activities).toEqual([]);
  });

  it("never outlives a handler that throws or hangs past turnTimeoutMs", async () => {
    bot = new Bot({
      logger: false,
      turnTimeoutMs: 120,
      streaming: { typingDelayMs: 10, typingTtlMs: 30 },
    });
    bot.command("throw", async () => {
      await sleep(50);
      throw new Error("boom");
    });
    bot.command("hang", () => new Promise(() => undefined));
    const client = createTestClient(bot);
    for (const command of ["/throw", "/hang"]) {
      await client.send(command);
      const id = String(client.lastMessageId);
      const mine = () => client.activities.filter((a) => a.replyTo === id);
      expect(mine().some((a) => a.kind === "typing")).toBe(true);
      await until(() => mine().at(-1)?.kind === "idle", `idle after ${command}`);
      const count = mine().length;
      await sleep(100);
      expect(mine().length).toBe(count);
      // The error frame came before (or with) the end of the indicator.
      expect(answerIndex(client, id)).toBeGreaterThan(-1);
    }
  });

  it("ctx.activity shows the handler's own indicator (typing stops), and checks its arguments", async () => {
    bot = new Bot({ logger: false, streaming: { typingDelayMs: 5, typingTtlMs: 30 } });
    const problems: string[] = [];
    bot.on("message", async (ctx) => {
      await sleep(30);
      ctx.activity("tool", { label: "search", ttlMs: 10_000 });
      for (const bad of [
        () => ctx.activity(""),
        () => ctx.activity("x".repeat(65)),
        () => ctx.activity("tool", { label: 5 as never }),
        () => ctx.activity("tool", { ttlMs: -1 }),
      ]) {
        try {
          bad();
        } catch (error) {
          problems.push((error as Error).name);
        }
      }
      ctx.activity("thinking", { ttlMs: 999_999 });
      await sleep(80);
      await ctx.reply("found it");
    });
    const client = createTestClient(bot);
    await client.send("search");
    const after = client.activities.slice(client.activities.findIndex((a) => a.kind === "tool"));
    expect(after.map((a) => a.kind)).toEqual(["tool", "thinking", "idle"]);
    expect(after[0]).toMatchObject({ label: "search", ttlMs: 10_000 });
    // ttlMs is capped at 60 s.
    expect((after[1] as ActivityFrame).ttlMs).toBe(60_000);
    expect(problems).toEqual(["TypeError", "TypeError", "TypeError", "RangeError"]);
  });

  it("a late ctx.activity from a detached promise shows nothing", async () => {
    bot = new Bot({ logger: false, streaming: { typingDelayMs: 0 } });
    bot.on("message", (ctx) => {
      setTimeout(() => ctx.activity("typing"), 30);
      return ctx.reply("bye");
    });
    const client = createTestClient(bot);
    await client.send("hi");
    await sleep(60);
    expect(client.activities).toEqual([]);
  });

  it("shows typing while a stream waits for its first text, and ends it once the text flows", async () => {
    bot = new Bot({ logger: false, streaming: { typingDelayMs: 10, typingTtlMs: 30 } });
    bot.on("message", (ctx) =>
      ctx.replyStream(
        (async function* () {
          await sleep(80); // the model's time to first token
          for (let i = 0; i < 10; i++) {
            yield `word${i} `;
            await sleep(15);
          }
        })(),
      ),
    );
    const client = createTestClient(bot);
    await client.send("go");
    const firstDelta = client.frames.findIndex((f) => f.type === "delta");
    const before = client.frames.slice(0, firstDelta).filter((f) => f.type === "activity");
    const after = client.frames.slice(firstDelta).filter((f) => f.type === "activity");
    // Typing (renewed) until the text flows, then idle right before its first piece.
    const kinds = before.map((a) => a.type === "activity" && a.kind);
    expect(kinds.length).toBeGreaterThanOrEqual(2);
    expect(kinds.at(-1)).toBe("idle");
    expect(kinds.slice(0, -1).every((kind) => kind === "typing")).toBe(true);
    // While the text flows (150 ms, several renewal periods) no indicator, and no second idle.
    expect(after).toEqual([]);
  });
  it("keeps a handler's own indicator while its stream flows, until the turn ends", async () => {
    bot = new Bot({ logger: false, streaming: { typingDelayMs: 5, typingTtlMs: 30 } });
    bot.on("message", async (ctx) => {
      ctx.activity("thinking", { label: "model" });
      await ctx.replyStream(
        (async function* () {
          await sleep(20);
          yield "a ";
          await sleep(20);
          yield "b";
        })(),
      );
    });
    const client = createTestClient(bot);
    await client.send("go");
    const kinds = client.frames.map((f) => (f.type === "activity" ? f.kind : f.type));
    expect(kinds.filter((k) => k === "thinking" || k === "idle" || k === "typing")).toEqual([
      "thinking",
      "idle",
    ]);
    // The idle comes with the end of the turn, after the stream's last text.
    expect(kinds.lastIndexOf("delta")).toBeLessThan(kinds.indexOf("idle"));
  });
});
