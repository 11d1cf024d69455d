import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { Bot, type Context, type SessionFlavor, session } from "../../src/index.js";
import { RedisStore } from "../../src/redis/index.js";
import { createTestClient } from "../../src/testing/index.js";
import { skipWithoutRedis } from "../helpers/redis-available.js";

// session() on RedisStore pairs its calls: the lease is taken with the session's read
// (`lockAndRead`), and a changed session is written with the lease's release
// (`compareAndSetUnlock`), each pair one pipeline on one connection — 2 round trips per
// update instead of 4. Counted on the client: a command sent alone is one, a pipeline one.

const skip = await skipWithoutRedis("session round trips on Redis");
const prefix = `botwire-test:${randomUUID()}:`;
const clients: Redis[] = [];
afterAll(async () => {
  const admin = new Redis();
  const keys = await admin.keys(`${prefix}*`);
  if (keys.length > 0) await admin.del(...keys);
  admin.disconnect();
  for (const c of clients) c.disconnect();
});

/** A client that counts its round trips. */
function countingRedis() {
  const redis = new Redis();
  clients.push(redis);
  const counter = { trips: 0 };
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = ((...args: Parameters<Redis["sendCommand"]>) => {
    counter.trips++;
    return send(...args);
  }) as Redis["sendCommand"];
  const pipeline = redis.pipeline.bind(redis);
  redis.pipeline = ((...args: Parameters<Redis["pipeline"]>) => {
    const p = pipeline(...args);
    const exec = p.exec.bind(p);
    p.exec = ((...rest: Parameters<typeof p.exec>) => {
      counter.trips -= p.length - 1;
      return exec(...rest);
    }) as typeof p.exec;
    return p;
  }) as Redis["pipeline"];
  return { redis, counter };
}

async function tripsPerUpdate(paired: boolean): Promise<number> {
  const { redis, counter } = countingRedis();
  const options = { prefix: `${prefix}${paired}:` };
  // Without the paired calls, as a third-party SessionStore may be.
  const unpaired = { lockAndRead: undefined, compareAndSetUnlock: undefined };
  const store = paired
    ? new RedisStore(redis, options)
    : Object.assign(new RedisStore(redis, options), unpaired);
  const bot = new Bot<Context & SessionFlavor<{ n: number }>>({ logger: false, store });
  bot.use(session({ initial: () => ({ n: 0 }) }));
  bot.on("message", (ctx) => ctx.reply(`n = ${++ctx.session.n}`));
  const client = createTestClient(bot);
  await client.send("warm up");
  counter.trips = 0;
  for (let i = 0; i < 10; i++) await client.send(`m${i}`);
  const trips = counter.trips / 10;
  expect((await client.send("last"))[0]?.text).toBe("n = 12");
  await bot.stop();
  return trips;
}

describe.skipIf(skip)("session() round trips on one Redis", () => {
  it("takes the lease with the read and writes with the release: 2 round trips, not 4", async () => {
    // The protocol's 3 (claim, append, settle) plus the session's.
    expect(await tripsPerUpdate(true)).toBe(3 + 2);
    expect(await tripsPerUpdate(false)).toBe(3 + 4);
  });

  it("a lockAndRead whose read fails lets go of the lease it took", async () => {
    const { redis } = countingRedis();
    const store = new RedisStore(redis, { prefix: `${prefix}corrupt:` });
    await redis.hset(`${prefix}corrupt:kv:k`, "d", "{not json", "v", "1");
    await expect(store.lockAndRead("k", 60_000)).rejects.toThrow(SyntaxError);
    // Released (asynchronously, after the failure): the next holder gets it at once.
    await expect.poll(() => redis.exists(`${prefix}corrupt:lock:k`)).toBe(0);
    const next = await store.lock("k", 60_000);
    expect(typeof next).toBe("string");
  });
});
