import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { RedisBroker } from "../../src/redis/index.js";
import { runBrokerSuite } from "../../src/testing/index.js";
import { skipWithoutRedis } from "../helpers/redis-available.js";

const skip = await skipWithoutRedis("RedisBroker suite");
const prefix = `botwire-test:${randomUUID()}:`;
const client = () => new Redis({ host: "127.0.0.1", port: 6379 });

describe.skipIf(skip)("RedisBroker", () => {
  const connections = new WeakMap<RedisBroker, Redis[]>();
  const node = () => {
    const pub = client();
    const sub = client();
    const broker = new RedisBroker(pub, sub, { prefix });
    connections.set(broker, [pub, sub]);
    return broker;
  };
  runBrokerSuite({
    name: "broker conformance: RedisBroker",
    // Two nodes: two brokers, each with its own connections to one Redis.
    createNodes: () => [node(), node()] as const,
    destroy: (nodes) => {
      for (const broker of nodes)
        for (const redis of connections.get(broker) ?? []) redis.disconnect();
    },
    describe,
    it,
  });
});

describe("new RedisBroker(pub, sub) on a single Redis", () => {
  it("refuses one client as both publisher and subscriber (a subscribed connection can only subscribe)", () => {
    const redis = new Redis({ lazyConnect: true });
    expect(() => new RedisBroker(redis, redis)).toThrow(/two different clients/);
    expect(() => new RedisBroker(redis, redis.duplicate())).not.toThrow();
  });
});
