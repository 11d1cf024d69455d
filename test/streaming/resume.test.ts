import { afterEach, describe, expect, it } from "vitest";
import { resolveLimits } from "../../src/core/limits.js";
import { Bot, MemoryStore } from "../../src/index.js";
import { MemoryBroker, MemoryLedger } from "../../src/storage/index.js";
import { createTestClient, type TestClient } from "../../src/testing/index.js";
import { until } from "../helpers/until.js";
import { reassemble, slowTokens, streamMessages, tokens } from "./helpers.js";

const bots: Bot[] = [];
afterEach(async () => {
  await Promise.all(bots.splice(0).map((b) => b.stop()));
});

const PARTS = tokens(400);
const WHOLE = PARTS.join("");

function streamingBot(options: ConstructorParameters<typeof Bot>[0] = {}) {
  const bot = new Bot({ logger: false, streaming: { deltaIntervalMs: 3 }, ...options });
  bot.on("message", async (ctx) => {
    await ctx.replyStream(slowTokens(PARTS, 1));
  });
  bots.push(bot);
  return bot;
}

function lastSeq(client: TestClient): number {
  return Math.max(0, ...client.messages.map((m) => m.seq));
}

/** A shared ledger, store and broker: bots that use them behave as nodes of one cluster. */
function cluster() {
  return {
    broker: new MemoryBroker(),
    ledger: new MemoryLedger(resolveLimits(undefined)),
    store: new MemoryStore(),
  };
}

async function resumeMidStream(first: Bot, second: Bot) {
  const a = createTestClient(first);
  const sent = a.send("go");
  await until(() => a.deltas.length >= 5, "deltas on the first connection");
  const stream = String(streamMessages(a.messages).openings[0]?.stream);
  const before = reassemble(a.deltas, stream).text;
  await a.close();
  const b = createTestClient(second, { session: String(a.session), lastSeq: lastSeq(a) });
  await until(() => streamMessages(b.messages).finals.length === 1, "the final on resume", 10_000);
  await sent.catch(() => undefined);
  return { a, b, stream, before };
}

describe("a stream across a reconnect", () => {
  it("resumes on the same node: a snapshot, then live deltas, nothing repeated or missing", async () => {
    const bot = streamingBot();
    const { b, stream, before } = await resumeMidStream(bot, bot);
    const [final] = streamMessages(b.messages).finals;
    expect(final).toMatchObject({ stream, end: "done", text: WHOLE });
    const deltas = b.deltas.filter((d) => d.stream === stream);
    // The first delta after the welcome is the snapshot: all text so far.
    expect(deltas[0]?.at).toBe(0);
    expect(deltas[0]?.text.startsWith(before)).toBe(true);
    const { text, repeats, holes } = reassemble(deltas, stream);
    expect(text).toBe(WHOLE);
    expect({ repeats, holes }).toEqual({ repeats: 0, holes: 0 });
    // The disconnect was no cancel: one stream, one final.
    expect(streamMessages(b.messages).finals).toHaveLength(1);
  });

  it("resumes on another node: the snapshot comes from the store, live deltas through the broker", async () => {
    const shared = cluster();
    const nodeA = streamingBot(shared);
    const nodeB = streamingBot(shared);
    const { b, stream } = await resumeMidStream(nodeA, nodeB);
    const [final] = streamMessages(b.messages).finals;
    expect(final).toMatchObject({ stream, end: "done", text: WHOLE });
    const { text, repeats, holes } = reassemble(b.deltas, stream);
    expect(text).toBe(WHOLE);
    expect({ repeats, holes }).toEqual({ repeats: 0, holes: 0 });
    // The stream is closed everywhere: nothing left in the store.
    expect(await shared.store.get(`botwire:stream:${b.session}:${stream}`)).toBeUndefined();
  });

  it("two connections of one session, on two nodes, see the same deltas and the same final", async () => {
    const shared = cluster();
    const nodeA = streamingBot(shared);
    const nodeB = streamingBot(shared);
    const a = createTestClient(nodeA);
    await until(() => a.session !== undefined, "welcome");
    const b = createTestClient(nodeB, { session: String(a.session), lastSeq: 0 });
    await until(() => b.session === a.session, "the second tab");
    await a.send("go");
    await until(
      () => streamMessages(b.messages).finals.length === 1,
      "the final on the second tab",
    );
    const stream = String(streamMessages(a.messages).finals[0]?.stream);
    for (const client of [a, b]) {
      const { text, repeats, holes } = reassemble(client.deltas, stream);
      expect({ text, repeats, holes }).toEqual({ text: WHOLE, repeats: 0, holes: 0 });
      expect(streamMessages(client.messages).finals.map((f) => f.text)).toEqual([WHOLE]);
    }
  });

  it("a stream whose node is gone is closed interrupted when its message is handled again", async () => {
    const shared = cluster();
    const nodeB = new Bot({ ...shared, logger: false });
    bots.push(nodeB);
    nodeB.on("message", (ctx) => ctx.replyStream(["the whole ", "answer"]));
    const client = createTestClient(nodeB);
    await until(() => client.session !== undefined, "welcome");
    const session = String(client.session);
    // Node A "died" mid-stream of m1: its record stays in the store (recent: it just died).
    await shared.store.set(`botwire:streams:${session}`, { orphan1: "m1" });
    await shared.store.set(`botwire:stream:${session}:orphan1`, {
      r: "m1",
      t: "half an ans",
      b: Date.now(),
    });
    client.raw(JSON.stringify({ type: "message", id: "m1", text: "again" }));
    await until(() => streamMessages(client.messages).finals.length === 2, "two finals");
    const { finals } = streamMessages(client.messages);
    expect(finals[0]).toMatchObject({
      stream: "orphan1",
      end: "interrupted",
      text: "half an ans",
      replyTo: "m1",
    });
    expect(finals[1]).toMatchObject({ end: "done", text: "the whole answer", replyTo: "m1" });
    expect(await shared.store.get(`botwire:streams:${session}`)).toEqual({});
  });

  it("a resume closes streams whose node stopped writing them (stale past 3 heartbeats)", async () => {
    const shared = cluster();
    const node = new Bot({ ...shared, logger: false, streaming: { heartbeatMs: 20 } });
    bots.push(node);
    node.on("message", (ctx) => ctx.reply("ok"));
    const first = createTestClient(node);
    await first.send("hi");
    const session = String(first.session);
    await shared.store.set(`botwire:streams:${session}`, { dead: "m9", alive: "m8" });
    await shared.store.set(`botwire:stream:${session}:dead`, {
      r: "m9",
      t: "old",
      b: Date.now() - 1000,
    });
    await shared.store.set(`botwire:stream:${session}:alive`, {
      r: "m8",
      t: "fresh",
      b: Date.now() + 60_000,
    });
    await first.close();
    const again = createTestClient(node, { session, lastSeq: lastSeq(first) });
    await until(() => streamMessages(again.messages).finals.length === 1, "the orphan's final");
    expect(streamMessages(again.messages).finals[0]).toMatchObject({
      stream: "dead",
      end: "interrupted",
      text: "old",
      replyTo: "m9",
    });
    // The live one (another node still writes it) is sent as a snapshot, not closed.
    expect(again.deltas).toEqual([{ type: "delta", stream: "alive", at: 0, text: "fresh" }]);
  });
});
