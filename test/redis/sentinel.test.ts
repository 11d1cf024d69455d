import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BotClient } from "../../src/client/node.js";
import { Bot } from "../../src/index.js";
import { RedisBroker, RedisStore } from "../../src/redis/index.js";
import { type ServeHandle, serve } from "../../src/transports/ws/index.js";
import {
  poll,
  redisServerInstalled,
  type SentinelSetup,
  startSentinelSetup,
} from "../helpers/redis-sentinel.js";
import { until } from "../helpers/until.js";

// A bot on Redis through Sentinel (a master, a replica, a sentinel: private processes on free
// ports). Under a steady stream of numbered messages the master changes — by a planned
// `SENTINEL FAILOVER`, then by killing it (SIGKILL) so that the sentinel promotes the replica.
// The bot recovers by itself: ioredis follows the sentinel to the new master.
const installed = redisServerInstalled();
if (!installed && process.env.CI === "true") {
  throw new Error("Sentinel tests: redis-server is required in CI");
}
if (!installed) console.warn("\n⚠ SKIPPED Sentinel tests: redis-server is not installed\n");

let setup: SentinelSetup;
const connections: Redis[] = [];
let handle: ServeHandle | undefined;
const handled = new Map<string, number>();

/** How botwire's docs say to connect through Sentinel (docs/scaling.md). */
function viaSentinel(): Redis {
  const redis = new Redis({
    sentinels: [{ host: "127.0.0.1", port: setup.sentinelPort }],
    name: setup.name,
    // Subscribe to the sentinel's +switch-master: move at once, not at the next error.
    failoverDetector: true,
    // A demoted master answers writes with READONLY, one cut off from its replica with
    // NOREPLICAS: reconnect (to the new master) and send the command again.
    reconnectOnError: (error) => (/^(READONLY|NOREPLICAS)/.test(error.message) ? 2 : false),
  });
  redis.on("error", () => {});
  connections.push(redis);
  return redis;
}

beforeAll(async () => {
  if (!installed) return;
  setup = await startSentinelSetup();
}, 60_000);

afterAll(async () => {
  await handle?.close();
  for (const redis of connections) redis.disconnect();
  await setup?.close();
});

async function startBot(): Promise<string> {
  const prefix = "sentinel-test:";
  const bot = new Bot({
    logger: process.env.DEBUG_SENTINEL ? console : false,
    // Long enough to ride out a failover (a second or two) instead of failing messages.
    store: new RedisStore(viaSentinel(), { prefix, commandTimeoutMs: 10_000 }),
    broker: new RedisBroker(viaSentinel(), viaSentinel(), { prefix, commandTimeoutMs: 10_000 }),
  });
  bot.on("message", (ctx) => {
    const key = `${ctx.sessionId}/${ctx.text}`;
    handled.set(key, (handled.get(key) ?? 0) + 1);
    return ctx.reply(`re: ${ctx.text}`);
  });
  handle = serve(bot, { port: 0, host: "127.0.0.1" });
  await handle.ready;
  return `ws://127.0.0.1:${(handle.address() as AddressInfo).port}`;
}

/** Sends `count` numbered messages, one every 10 ms, and collects each reply or failure. */
async function converse(client: BotClient, tag: string, count: number) {
  const outcomes: string[] = [];
  const requests: Promise<void>[] = [];
  for (let n = 0; n < count; n++) {
    requests.push(
      client.request(`${tag} ${n}`, undefined, { timeoutMs: 60_000 }).then(
        (reply) => void outcomes.push(String(reply.text)),
        (error: Error) => void outcomes.push(`failed: ${error.message}`),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await Promise.all(requests);
  return outcomes.sort();
}

const expected = (tag: string, count: number) =>
  Array.from({ length: count }, (_, n) => `re: ${tag} ${n}`).sort();

describe.skipIf(!installed)("Redis Sentinel: the master changes under traffic", () => {
  it("a planned failover (SENTINEL FAILOVER): every message answered once", async () => {
    const url = await startBot();
    const client = new BotClient(url, {
      reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
      maxQueue: 1000,
    });
    client.on("error", () => {});
    await client.connect();
    const before = await setup.master();
    const conversation = converse(client, "planned", 150);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const sentinel = new Redis({ host: "127.0.0.1", port: setup.sentinelPort });
    await sentinel.call("SENTINEL", "failover", setup.name);
    sentinel.disconnect();
    await poll(async () => (await setup.master()) !== before, "the new master");
    expect(await conversation).toEqual(expected("planned", 150));
    expect([...handled.values()].every((n) => n === 1)).toBe(true);
    // And after the switch, as before it.
    expect((await client.request("after")).text).toBe("re: after");
    await client.close();
  }, 120_000);

  it("the master killed: the sentinel promotes the replica and the bot recovers by itself", async () => {
    const address = handle?.address() as AddressInfo;
    const url = `ws://127.0.0.1:${address.port}`;
    const client = new BotClient(url, {
      reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
      maxQueue: 1000,
    });
    client.on("error", () => {});
    await client.connect();
    const master = await setup.master();
    setup.kill(master);
    await poll(async () => (await setup.master()) !== master, "the promoted replica", 60_000);
    // Messages sent after the promotion are answered, with nothing restarted.
    let answered: string | undefined;
    await until(
      () => {
        if (answered === undefined) {
          answered = "pending";
          client.request("recovered?", undefined, { timeoutMs: 10_000 }).then(
            (reply) => {
              answered = String(reply.text);
            },
            () => {
              answered = undefined;
            },
          );
        }
        return answered === "re: recovered?";
      },
      "an answer after the promotion",
      60_000,
    );
    const outcomes = await converse(client, "after-kill", 50);
    expect(outcomes).toEqual(expected("after-kill", 50));
    await client.close();
  }, 150_000);
});
