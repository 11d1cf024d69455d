import { EventEmitter } from "node:events";
import type { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { RedisBroker, RedisTimeoutError } from "../../src/redis/index.js";

/** A client that has not connected yet: it records commands, and connects on `connect()`. */
function connecting() {
  const sent: string[] = [];
  const client = Object.assign(new EventEmitter(), {
    status: "connecting",
    subscribe: async (name: string) => void sent.push(`subscribe ${name}`),
    publish: async () => 0,
    unsubscribe: async () => undefined,
    ready() {
      client.status = "ready";
      client.emit("ready");
    },
  });
  return { client, redis: client as unknown as Redis, sent };
}

describe("RedisBroker with a subscriber that is still connecting", () => {
  it("subscribes once it is ready", async () => {
    const pub = connecting();
    const sub = connecting();
    const broker = new RedisBroker(pub.redis, sub.redis, { prefix: "t:" });
    const subscribed = broker.subscribe("c", () => {});
    await new Promise((r) => setTimeout(r, 20));
    expect(sub.sent).toEqual([]);
    sub.client.ready();
    await subscribed;
    expect(sub.sent).toEqual(["subscribe t:c"]);
  });

  it("does not subscribe after its deadline: nobody listens to that channel any more", async () => {
    const pub = connecting();
    const sub = connecting();
    const broker = new RedisBroker(pub.redis, sub.redis, { prefix: "t:", commandTimeoutMs: 50 });
    await expect(broker.subscribe("s:abc", () => {})).rejects.toBeInstanceOf(RedisTimeoutError);
    sub.client.ready();
    await new Promise((r) => setTimeout(r, 20));
    expect(sub.sent).toEqual([]);
    // A later subscribe of the channel does subscribe.
    await broker.subscribe("s:abc", () => {});
    expect(sub.sent).toEqual(["subscribe t:s:abc"]);
  });
});
