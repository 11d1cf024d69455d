import { afterEach, describe, expect, it } from "vitest";
import {
  type ActivityEvent,
  BotClient,
  type DeltaEvent,
  type EditEvent,
  type RetractEvent,
} from "../../src/client/node.js";
import { Bot } from "../../src/index.js";
import { controlledWebSocket, fast, type Served, serveBot, until } from "./helpers.js";

// BotClient against the real botwire server: the two halves of DESIGN §7 agree.

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const STORY = Array.from({ length: 40 }, (_, i) => `word${i} 🙂 `);

async function* slowly(pieces: string[], delayMs: number, signal?: AbortSignal) {
  for (const piece of pieces) {
    if (signal?.aborted) return;
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    yield piece;
  }
}

async function setup(configure: (bot: Bot) => void, options = {}) {
  const bot = new Bot({ logger: false, streaming: { deltaIntervalMs: 5 } });
  configure(bot);
  const served: Served = await serveBot(bot);
  cleanup.push(() => served.stop());
  const client = new BotClient(served.url, { ...fast, ...options });
  cleanup.push(() => client.close());
  await client.connect();
  return { bot, served, client };
}

describe("BotClient streaming against the botwire server", () => {
  it("stream() yields the growing text of ctx.replyStream and resolves final with the whole text", async () => {
    const { client } = await setup((bot) => {
      bot.on("message", (ctx) => ctx.replyStream(slowly(STORY, 2), { data: { model: "test" } }));
    });
    expect(client.features).toEqual(expect.arrayContaining(["stream", "cancel"]));
    const deltas: DeltaEvent[] = [];
    client.on("delta", (d) => deltas.push(d));
    const reply = client.stream("tell me");
    const yielded: string[] = [];
    for await (const text of reply) yielded.push(text);
    const final = await reply.final;
    const whole = STORY.join("");
    expect(final).toMatchObject({
      replyTo: reply.id,
      text: whole,
      end: "done",
      data: { model: "test" },
    });
    expect(yielded.at(-1)).toBe(whole);
    expect(yielded.length).toBeGreaterThan(1);
    for (let i = 1; i < yielded.length; i++) {
      expect(yielded[i]?.startsWith(yielded[i - 1] as string)).toBe(true);
    }
    expect(deltas.map((d) => d.delta).join("")).toBe(whole);
    expect(client.unconfirmed).toBe(0);
  });

  it("cancel() mid-stream ends it cancelled, with the text so far", async () => {
    const { client } = await setup((bot) => {
      bot.on("message", (ctx) => ctx.replyStream(slowly(STORY, 20, ctx.signal)));
    });
    const reply = client.stream("go");
    for await (const text of reply) {
      if (text.length > 0) break;
    }
    reply.cancel();
    const final = await reply.final;
    expect(final.end).toBe("cancelled");
    expect(STORY.join("").startsWith(final.text ?? "\u0000")).toBe(true);
    expect((final.text ?? "").length).toBeLessThan(STORY.join("").length);
  });

  it("request() resolves with the final after a reconnect in the middle of the stream", async () => {
    const ws = controlledWebSocket();
    let runs = 0;
    const { client } = await setup(
      (bot) => {
        bot.on("message", (ctx) => {
          runs++;
          return ctx.replyStream(slowly(STORY, 5));
        });
      },
      { WebSocket: ws.WebSocket },
    );
    const deltas: DeltaEvent[] = [];
    client.on("delta", (d) => deltas.push(d));
    const reply = client.request("q");
    await until(() => deltas.length >= 3, "some deltas");
    ws.cut();
    const final = await reply;
    expect(final).toMatchObject({ end: "done", text: STORY.join("") });
    expect(runs).toBe(1);
    // Across the reconnect no character was repeated or lost.
    expect(deltas.map((d) => d.delta).join("")).toBe(STORY.join(""));
    expect(ws.sockets).toHaveLength(2);
  });

  it("shows the bot's activity until the reply, and passes edits and retractions on", async () => {
    const { client } = await setup((bot) => {
      bot.command("work", async (ctx) => {
        ctx.activity("tool", { label: "search", ttlMs: 10_000 });
        await new Promise((resolve) => setTimeout(resolve, 50));
        const first = await ctx.reply("draft");
        await ctx.edit(first, "final answer");
        await ctx.retract(await ctx.send("oops"));
      });
    });
    const activities: ActivityEvent[] = [];
    const edits: EditEvent[] = [];
    const retracts: RetractEvent[] = [];
    client.on("activity", (a) => activities.push(a));
    client.on("edit", (e) => edits.push(e));
    client.on("retract", (r) => retracts.push(r));
    const pending = client.request("/work");
    await until(() => client.activity !== undefined, "activity");
    expect(client.activity).toMatchObject({ kind: "tool", label: "search" });
    const reply = await pending;
    expect(reply.text).toBe("draft");
    await until(() => retracts.length === 1, "retraction");
    expect(client.activity).toBeUndefined();
    expect(activities[0]).toMatchObject({ kind: "tool", label: "search" });
    expect(edits).toEqual([{ seq: reply.seq + 1, edits: reply.seq, text: "final answer" }]);
    expect(retracts).toEqual([{ seq: reply.seq + 3, retracts: reply.seq + 2 }]);
    expect(client.lastSeq).toBe(reply.seq + 3);
  });
});
