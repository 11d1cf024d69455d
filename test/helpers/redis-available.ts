import { Redis } from "ioredis";

/**
 * Whether a Redis server answers on 127.0.0.1:6379. Locally, Redis tests skip with a
 * visible message when it does not; in CI (CI=true) they run and fail loudly instead.
 */
export async function redisAvailable(port = 6379): Promise<boolean> {
  const probe = new Redis({
    host: "127.0.0.1",
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on("error", () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/** True when Redis tests should be skipped (and prints why). */
export async function skipWithoutRedis(what: string): Promise<boolean> {
  if (await redisAvailable()) return false;
  if (process.env.CI === "true") {
    throw new Error(`${what}: Redis is required in CI but does not answer on 127.0.0.1:6379`);
  }
  console.warn(`\n⚠ SKIPPED ${what}: no Redis on 127.0.0.1:6379 (start one to run these tests)\n`);
  return true;
}

/**
 * Redis connections for one test file under a key prefix of its own: `client()` opens one,
 * `cleanup()` deletes the prefix's keys and closes every connection (call it in afterAll).
 */
export function redisFixture(prefix: string) {
  const clients: Redis[] = [];
  return {
    client(): Redis {
      const client = new Redis({ host: "127.0.0.1", port: 6379 });
      clients.push(client);
      return client;
    },
    async cleanup(): Promise<void> {
      const admin = new Redis({ host: "127.0.0.1", port: 6379 });
      const keys = await admin.keys(`${prefix}*`);
      if (keys.length > 0) await admin.del(...keys);
      await Promise.all([...clients, admin].map((c) => c.quit()));
    },
  };
}
