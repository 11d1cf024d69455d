import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { Bot } from "../../src/index.js";
import { RedisBroker, RedisStore } from "../../src/redis/index.js";
import { serve } from "../../src/transports/ws/index.js";
import { skipWithoutRedis } from "../helpers/redis-available.js";
import { type Frame, RawClient } from "../helpers/ws-client.js";

// docs/scaling.md's setup: clients that fail at once while disconnected
// (`enableOfflineQueue: false`), handed to the bot before they have connected, and served
// at once. The broker's subscriber must be waited for, not refused.
const skip = await skipWithoutRedis("starting before Redis is connected");
const prefix = `botwire-test:${randomUUID()}:`;
const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function listen() {
  // As an app's server: plain HTTP requests get an answer of their own.
  const server = createServer((_req, res) => res.writeHead(426).end());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanup.push(() => new Promise((resolve) => server.close(resolve)));
  return { server, url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** The first frame a new connection gets after its hello (rejects when the upgrade is refused). */
async function firstFrame(url: string): Promise<Frame> {
  const client = new RawClient(url);
  cleanup.push(() => client.close());
  await client.opened;
  client.send({ type: "hello" });
  await client.next("welcome");
  return client.frames[0] as Frame;
}

describe.skipIf(skip)("a bot served before its Redis clients have connected", () => {
  it("waits for the broker's subscriber and starts", async () => {
    const redis = new Redis({
      host: "127.0.0.1",
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
    });
    const sub = redis.duplicate();
    cleanup.push(
      () => redis.disconnect(),
      () => sub.disconnect(),
    );
    expect(sub.status).not.toBe("ready");
    const bot = new Bot({
      store: new RedisStore(redis, { prefix }),
      broker: new RedisBroker(redis, sub, { prefix }),
    });
    const { server, url } = await listen();
    const handle = serve(bot, { server });
    cleanup.push(() => handle.close());
    await handle.ready;
    expect(bot.running).toBe(true);
    // Cancels from other nodes reach it: its channel is subscribed.
    await expect.poll(() => redis.pubsub("CHANNELS", `${prefix}*`)).toContain(`${prefix}cancel`);
    expect(await firstFrame(url)).toMatchObject({ type: "welcome" });
  });

  it("fails to start when the subscriber ends first, and serves nothing then", async () => {
    const redis = new Redis({ host: "127.0.0.1", enableOfflineQueue: false, lazyConnect: true });
    const sub = redis.duplicate();
    cleanup.push(
      () => redis.disconnect(),
      () => sub.disconnect(),
    );
    const bot = new Bot({ broker: new RedisBroker(redis, sub, { prefix }) });
    const { server, url } = await listen();
    const handle = serve(bot, { server });
    sub.disconnect(); // before it ever connected
    await expect(handle.ready).rejects.toThrow(/closed/);
    expect(bot.running).toBe(false);
    // Not half started: the WebSocket endpoint is gone with the failed start.
    await expect(firstFrame(url)).rejects.toThrow("HTTP 426");
  });
});
