/**
 * Bots on a real Redis Cluster (scripts/redis-cluster.sh), in process: two nodes, each with
 * its own `Cluster` client, sharing a RedisStore (and so a RedisLedger) and a RedisBroker.
 */
import { randomUUID } from "node:crypto";
import type { Cluster } from "ioredis";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { Bot } from "../../src/index.js";
import { RedisBroker, RedisStore } from "../../src/redis/index.js";
import { createTestClient, type TestClient } from "../../src/testing/index.js";
import { clusterFixture, masterOf, skipWithoutCluster } from "../helpers/redis-cluster.js";
import { until } from "../helpers/until.js";
import { reassemble, slowTokens, streamMessages, tokens } from "../streaming/helpers.js";

const skip = await skipWithoutCluster("bots on a Redis Cluster");
const prefix = `botwire-test:${randomUUID()}:`;
const cluster = clusterFixture(prefix);
const admin = skip ? undefined : await cluster.client();
const bots: Bot[] = [];
const PARTS = tokens(200);

afterEach(async () => {
  await Promise.all(bots.splice(0).map((b) => b.stop()));
});
afterAll(() => (skip ? undefined : cluster.cleanup()));

/** A node: a Cluster client of its own, as docs/scaling.md recommends it. */
async function node(name: string) {
  const redis = await cluster.client({
    shardedSubscribers: true,
    enableOfflineQueue: false,
    redisOptions: { maxRetriesPerRequest: 1 },
  });
  const bot = new Bot({
    logger: false,
    store: new RedisStore(redis, { prefix }),
    broker: new RedisBroker(redis, redis, { prefix }),
    streaming: { deltaIntervalMs: 5 },
  });
  bot.command("join", async (ctx) => {
    await ctx.join("everyone");
    return ctx.reply(`${name}: joined`);
  });
  bot.command("story", (ctx) => ctx.replyStream(slowTokens(PARTS, 2, ctx.signal)));
  bot.command("wait", (ctx) => new Promise((r) => ctx.signal.addEventListener("abort", r)));
  bot.on("message", (ctx) => ctx.reply(`${name}: ${ctx.text}`));
  bots.push(bot);
  return bot;
}

describe.skipIf(skip)("bots on a Redis Cluster", () => {
  const redis = admin as Cluster;
  const masterOfSession = async (session: string) =>
    masterOf(redis, Number(await redis.cluster("KEYSLOT", `{${session}}`)));
  const texts = (client: TestClient, text: string) =>
    client.messages.filter((m) => m.text === text).length;

  it("broadcasts to a room whose members sit on every shard: each member once", async () => {
    const [a, b] = await Promise.all([node("a"), node("b")]);
    const clients: TestClient[] = [];
    const perMaster = new Map<string, number>();
    // Clients on both nodes, until every master holds the keys of at least two sessions.
    while (perMaster.size < 3 || [...perMaster.values()].some((n) => n < 2)) {
      if (clients.length >= 60) throw new Error("sessions never covered every master");
      const client = createTestClient(clients.length % 2 === 0 ? a : b);
      const [reply] = await client.send("/join");
      expect(reply?.text).toMatch(/^[ab]: joined$/);
      const master = await masterOfSession(String(client.session));
      perMaster.set(master, (perMaster.get(master) ?? 0) + 1);
      clients.push(client);
    }
    expect(await a.broadcast("everyone", "breaking")).toBe(clients.length);
    await until(() => clients.every((c) => texts(c, "breaking") >= 1), "breaking on every client");
    // A second broadcast from the other node: once it is everywhere, a duplicate of the
    // first (same session, lower seq) would have arrived before it.
    expect(await b.broadcast("everyone", "second")).toBe(clients.length);
    await until(() => clients.every((c) => texts(c, "second") >= 1), "second on every client");
    for (const c of clients) expect([texts(c, "breaking"), texts(c, "second")]).toEqual([1, 1]);
  });

  it("answers messages and resumes a session on the other node with what it missed", async () => {
    const [a, b] = await Promise.all([node("a"), node("b")]);
    const first = createTestClient(a);
    expect((await first.send("one"))[0]?.text).toBe("a: one");
    const session = String(first.session);
    const lastSeq = Math.max(...first.messages.map((m) => m.seq));
    await first.close();
    expect(await b.sendTo({ session }, "while away")).toBe(1);
    const again = createTestClient(b, { session, lastSeq });
    expect((await again.send("two")).map((m) => m.text)).toContain("b: two");
    expect(again.frames[0]).toMatchObject({ type: "welcome", session, resumed: true });
    expect(again.messages.map((m) => m.text)).toEqual(["while away", "b: two"]);
    // A push from node a reaches the client on node b through the broker (SPUBLISH).
    expect(await a.sendTo({ session }, "from a")).toBe(1);
    await until(() => texts(again, "from a") === 1, "the push from a");
  });

  it("a client that moves to another node mid-stream gets the snapshot, then the rest", async () => {
    const [a, b] = await Promise.all([node("a"), node("b")]);
    const first = createTestClient(a);
    const sent = first.send("/story");
    await until(() => first.deltas.length >= 3, "deltas on node a");
    await first.close();
    const lastSeq = Math.max(...first.messages.map((m) => m.seq));
    const moved = createTestClient(b, { session: String(first.session), lastSeq });
    await until(() => streamMessages(moved.messages).finals.length === 1, "the final on b", 15_000);
    await sent;
    const [final] = streamMessages(moved.messages).finals;
    expect(final).toMatchObject({ end: "done", text: PARTS.join("") });
    const { text, repeats, holes } = reassemble(moved.deltas, String(final?.stream));
    expect({ text, repeats, holes }).toEqual({ text: PARTS.join(""), repeats: 0, holes: 0 });
    expect(moved.deltas[0]?.at).toBe(0);
  });

  it("a cancel sent to another node stops the handler on the node that runs it", async () => {
    const [a, b] = await Promise.all([node("a"), node("b")]);
    const owner = createTestClient(a);
    const done = owner.send("/wait");
    await until(() => owner.session !== undefined, "welcome");
    const other = createTestClient(b, { session: String(owner.session), lastSeq: 0 });
    await until(() => other.session === owner.session, "resume on b");
    // The cancel reaches node a on the bot's "cancel" channel (one shard, SPUBLISH).
    other.cancel(String(owner.lastMessageId));
    const replies = await done;
    expect(replies.filter((r) => r.type === "error")).toEqual([]);
    expect(owner.frames.some((f) => f.type === "receipt")).toBe(true);
  });
});
