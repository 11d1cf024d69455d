import { randomUUID } from "node:crypto";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { Bot } from "../../src/index.js";
import { RedisBroker, RedisStore } from "../../src/redis/index.js";
import { createTestClient } from "../../src/testing/index.js";
import { redisFixture, skipWithoutRedis } from "../helpers/redis-available.js";
import { until } from "../helpers/until.js";
import { reassemble, slowTokens, streamMessages, tokens } from "../streaming/helpers.js";

const skip = await skipWithoutRedis("streamed replies across nodes on Redis");
const prefix = `streaming:${randomUUID()}:`;
const redis = redisFixture(prefix);
const bots: Bot[] = [];
const PARTS = tokens(300);
const WHOLE = PARTS.join("");

/** A node: its own Redis connections, the shared store (and ledger) and broker. */
function node() {
  const bot = new Bot({
    logger: false,
    store: new RedisStore(redis.client(), { prefix }),
    broker: new RedisBroker(redis.client(), redis.client(), { prefix }),
    streaming: { deltaIntervalMs: 5 },
  });
  bot.command("story", (ctx) => ctx.replyStream(slowTokens(PARTS, 2, ctx.signal)));
  bot.command("wait", (ctx) => new Promise((r) => ctx.signal.addEventListener("abort", r)));
  bots.push(bot);
  return bot;
}

afterEach(async () => {
  await Promise.all(bots.splice(0).map((b) => b.stop()));
});
afterAll(() => redis.cleanup());

describe.skipIf(skip)("streamed replies across nodes (Redis store and broker)", () => {
  it("a client that moves to another node mid-stream gets the snapshot, then the rest", async () => {
    const [a, b] = [node(), node()];
    const first = createTestClient(a);
    const sent = first.send("/story");
    await until(() => first.deltas.length >= 3, "deltas on node A");
    await first.close();
    const lastSeq = Math.max(...first.messages.map((m) => m.seq));
    const moved = createTestClient(b, { session: String(first.session), lastSeq });
    await until(() => streamMessages(moved.messages).finals.length === 1, "the final on B", 15_000);
    await sent;
    const [final] = streamMessages(moved.messages).finals;
    expect(final).toMatchObject({ end: "done", text: WHOLE });
    const { text, repeats, holes } = reassemble(moved.deltas, String(final?.stream));
    expect({ text, repeats, holes }).toEqual({ text: WHOLE, repeats: 0, holes: 0 });
    // The snapshot came first, from the store.
    expect(moved.deltas[0]?.at).toBe(0);
  });

  it("a cancel sent to another node stops the handler on the node that runs it", async () => {
    const [a, b] = [node(), node()];
    const owner = createTestClient(a);
    const done = owner.send("/wait");
    await until(() => owner.session !== undefined, "welcome");
    const other = createTestClient(b, { session: String(owner.session), lastSeq: 0 });
    await until(() => other.session === owner.session, "resume on B");
    await new Promise((r) => setTimeout(r, 50));
    other.cancel(String(owner.lastMessageId));
    const replies = await done;
    expect(replies.filter((r) => r.type === "error")).toEqual([]);
    expect(owner.frames.some((f) => f.type === "receipt")).toBe(true);
  });
});
