import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { RedisStore } from "../../src/redis/index.js";
import { runStoreSuite } from "../../src/testing/index.js";
import { skipWithoutRedis } from "../helpers/redis-available.js";

const skip = await skipWithoutRedis("RedisStore tests");
const prefix = `botwire-test:${randomUUID()}:`;
const redis = skip ? undefined : new Redis({ host: "127.0.0.1", port: 6379 });

afterAll(async () => {
  if (redis === undefined) return;
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

describe.skipIf(skip)("RedisStore", () => {
  const client = redis as Redis;
  runStoreSuite({
    name: "RedisStore",
    create: () => new RedisStore(client, { prefix }),
    describe,
    it,
  });

  it("keeps values as JSON in a hash under <prefix>kv:<key>, locks under <prefix>lock:<key>", async () => {
    const store = new RedisStore(client, { prefix });
    await store.set("layout", { a: 1 }, 60_000);
    expect(await client.hget(`${prefix}kv:layout`, "d")).toBe('{"a":1}');
    const ttl = await client.pttl(`${prefix}kv:layout`);
    expect(ttl).toBeGreaterThan(0);
    const token = await store.lock("layout", 60_000);
    expect(await client.get(`${prefix}lock:layout`)).toBe(token);
  });

  it("keeps two prefixes apart", async () => {
    const a = new RedisStore(client, { prefix: `${prefix}a:` });
    const b = new RedisStore(client, { prefix: `${prefix}b:` });
    await a.set("k", "from a");
    expect(await b.get("k")).toBeUndefined();
  });

  it("rejects bad input with errors naming it", async () => {
    expect(() => new RedisStore({} as Redis)).toThrow(/must be an ioredis client/);
    const store = new RedisStore(client, { prefix });
    await expect(store.set("k", undefined)).rejects.toThrow(/JSON-serialisable/);
    await expect(store.set("k", 1, 0)).rejects.toThrow(RangeError);
  });
});
