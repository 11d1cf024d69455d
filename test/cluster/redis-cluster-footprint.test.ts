/**
 * What one conversation costs in Redis, on a single Redis and on a Redis Cluster: commands
 * per message (counted with MONITOR, only those naming this file's key prefix, so other
 * tests' traffic does not count), and keys and bytes per session (MEMORY USAGE). Prints the
 * figures docs/scaling.md quotes, and fails if a message takes more round trips than now.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { Bot } from "../../src/index.js";
import { RedisBroker, type RedisClient, RedisStore } from "../../src/redis/index.js";
import { createTestClient } from "../../src/testing/index.js";
import { skipWithoutRedis } from "../helpers/redis-available.js";
import { clusterFixture, skipWithoutCluster } from "../helpers/redis-cluster.js";

const MESSAGES = 70;
const ACK_EVERY = 32; // as BotClient's default ackEvery
// Short (as the default "botwire:" is), so the bytes printed are close to real ones.
const prefix = `bwfp:${randomUUID().slice(0, 8)}:`;
const clusterSkip = await skipWithoutCluster("Redis Cluster footprint");
const singleSkip = await skipWithoutRedis("single Redis footprint");
const cluster = clusterFixture(prefix);
const opened: Redis[] = [];
afterAll(async () => {
  for (const c of opened) c.disconnect();
  if (!singleSkip) {
    const admin = new Redis({ host: "127.0.0.1", port: 6379 });
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length > 0) await admin.del(...keys);
    admin.disconnect();
  }
  if (!clusterSkip) await cluster.cleanup();
});

/** A target: the client the bot uses, the broker's subscriber, and the masters to watch. */
async function target(kind: "single" | "cluster") {
  if (kind === "cluster") {
    const redis = await cluster.client();
    return { redis, sub: redis as RedisClient, masters: redis.nodes("master") };
  }
  const redis = new Redis({ host: "127.0.0.1", port: 6379 });
  const sub = redis.duplicate();
  opened.push(redis, sub);
  return { redis, sub, masters: [redis] };
}

/** Counts the commands naming `tag` on every master, by name (lower case). */
async function monitor(masters: readonly Redis[], tag: string) {
  const counts = new Map<string, number>();
  for (const master of masters) {
    const watcher = await master.monitor(); // a connection of its own, in MONITOR mode
    opened.push(watcher);
    watcher.on("monitor", (_time: string, args: unknown[], source: string) => {
      if (source === "lua" || !args.some((arg) => String(arg).includes(tag))) return;
      const name = String(args[0]).toLowerCase();
      counts.set(name, (counts.get(name) ?? 0) + 1);
    });
  }
  return counts;
}

const kinds = [
  ["single", singleSkip],
  ["cluster", clusterSkip],
] as const;

describe.each(kinds)("footprint on a %s Redis", (kind, skip) => {
  it.skipIf(skip)("one message: claim, append, settle and one publication", async () => {
    const { redis, sub, masters } = await target(kind);
    const own = `${prefix}${kind}:`;
    const store = new RedisStore(redis, { prefix: own });
    const bot = new Bot({
      logger: false,
      store,
      broker: new RedisBroker(redis, sub, { prefix: own }),
    });
    bot.on("message", (ctx) => ctx.reply(`echo: ${ctx.text}`));
    const client = createTestClient(bot);
    await client.send("warm up");
    const counts = await monitor(masters, own);
    for (let i = 1; i <= MESSAGES; i++) {
      await client.send(`m${i}`);
      if (i % ACK_EVERY === 0) {
        client.raw(JSON.stringify({ type: "ack", seq: client.messages.at(-1)?.seq ?? 0 }));
      }
    }
    const publish = kind === "cluster" ? "spublish" : "publish";
    const acks = Math.floor(MESSAGES / ACK_EVERY);
    await expect.poll(() => counts.get("zremrangebyscore") ?? 0).toBe(acks);
    await expect.poll(() => counts.get(publish) ?? 0).toBe(MESSAGES);
    // A message's settle may still be on its way when its reply is in.
    await expect.poll(() => counts.get("eval") ?? 0).toBe(3 * MESSAGES);
    expect(Object.fromEntries(counts)).toEqual({
      eval: 3 * MESSAGES,
      [publish]: MESSAGES,
      zremrangebyscore: acks,
    });

    const session = String(client.session);
    const keys = (await Promise.all(masters.map((m) => m.keys(`${own}*`)))).flat();
    const mine = keys.filter((key) => key.includes(`{${session}}`)).sort();
    const usage = async (key: string) =>
      Number(await (redis as Redis).call("MEMORY", "USAGE", key, "SAMPLES", "0"));
    const bytes = Object.fromEntries(
      await Promise.all(
        mine.map(async (key) => [key.slice(key.indexOf("}:") + 2), await usage(key)]),
      ),
    );
    console.info(
      `[footprint] ${kind}: ${(counts.get("eval") ?? 0) / MESSAGES} EVAL + 1 ${publish} per message,`,
      `1 ZREMRANGEBYSCORE per ${ACK_EVERY} (ack); session keys after ${MESSAGES + 1} messages`,
      `(prefix of ${own.length} chars): ${JSON.stringify(bytes)}`,
    );
    // The unacknowledged replies since the last ack are in the outbox.
    expect(Object.keys(bytes).sort()).toEqual(["out", "seen", "seenq", "sess"]);
    await bot.stop();
  });
});
