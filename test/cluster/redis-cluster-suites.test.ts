/**
 * The conformance suites of the Redis store, ledger and broker on a real Redis Cluster
 * (scripts/redis-cluster.sh), as test/redis/*.test.ts run them on a single Redis.
 */
import { randomUUID } from "node:crypto";
import type { Cluster } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { RedisBroker, RedisLedger, RedisStore } from "../../src/redis/index.js";
import { runBrokerSuite, runLedgerSuite, runStoreSuite } from "../../src/testing/index.js";
import { clusterFixture, masterOf, nodeOf, skipWithoutCluster } from "../helpers/redis-cluster.js";

const skip = await skipWithoutCluster("Redis Cluster conformance suites");
const prefix = `botwire-test:${randomUUID()}:`;
const cluster = clusterFixture(prefix);
const shared = skip ? undefined : await cluster.client();
afterAll(() => (skip ? undefined : cluster.cleanup()));

describe.skipIf(skip)("on a Redis Cluster", () => {
  const redis = shared as Cluster;

  runStoreSuite({
    name: "store conformance: RedisStore on a cluster",
    create: () => new RedisStore(redis, { prefix }),
    describe,
    it,
  });

  runLedgerSuite({
    name: "ledger conformance: RedisLedger on a cluster",
    create: (limits) =>
      new RedisLedger(redis, { prefix: `${prefix}${randomUUID()}:`, limits, claimLeaseMs: 60_000 }),
    describe,
    it,
  });

  runBrokerSuite({
    name: "broker conformance: RedisBroker on a cluster (sharded pub/sub)",
    // Two nodes, each with its own Cluster client (publisher and sharded subscriber in one).
    createNodes: async () => {
      const [a, b] = await Promise.all([cluster.client(), cluster.client()]);
      return [new RedisBroker(a, a, { prefix }), new RedisBroker(b, b, { prefix })] as const;
    },
    describe,
    it,
  });

  it("uses sharded pub/sub: SSUBSCRIBE on the channel's shard, SPUBLISH, no classic PUBLISH", async () => {
    const node = await cluster.client();
    const broker = new RedisBroker(node, node, { prefix });
    const calls = async (command: string) => {
      const stats = await Promise.all(redis.nodes("master").map((m) => m.info("commandstats")));
      const pattern = new RegExp(`^cmdstat_${command}:calls=(\\d+)`, "m");
      return stats.reduce((sum, text) => sum + Number(pattern.exec(text)?.[1] ?? 0), 0);
    };
    const before = { spublish: await calls("spublish"), publish: await calls("publish") };
    const got: string[] = [];
    await broker.subscribe("probe", (payload) => got.push(payload));
    const channel = `${prefix}probe`;
    const slot = Number(await redis.cluster("KEYSLOT", channel));
    const owner = nodeOf(redis, masterOf(redis, slot));
    const shard = await owner.call("PUBSUB", "SHARDNUMSUB", channel);
    const classic = await owner.call("PUBSUB", "NUMSUB", channel);
    expect([shard, classic]).toEqual([
      [channel, 1],
      [channel, 0],
    ]);
    await broker.publish("probe", "one");
    await expect.poll(() => got).toEqual(["one"]);
    expect(await calls("spublish")).toBeGreaterThan(before.spublish);
    expect(await calls("publish")).toBe(before.publish);
  });

  it("refuses a subscriber Cluster without shardedSubscribers, and a Redis/Cluster mix", async () => {
    const plain = await cluster.client({ shardedSubscribers: false });
    expect(() => new RedisBroker(plain, plain)).toThrow(/shardedSubscribers: true/);
    const single = { isCluster: false } as unknown as Cluster;
    expect(() => new RedisBroker(single, redis)).toThrow(/not a mix/);
    // A Cluster with sharded subscribers may publish and subscribe itself.
    expect(() => new RedisBroker(redis, redis)).not.toThrow();
  });
});
