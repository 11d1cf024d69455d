// botwire on botwire/ws with its state in Redis (the "redis" shape): the bench bot of bot.js
// with a RedisStore (sessions and the protocol ledger) and a RedisBroker, on one Redis
// (BENCH_REDIS=single, 127.0.0.1:6379) or on the 3-master cluster of scripts/redis-cluster.sh
// (BENCH_REDIS=cluster, sharded pub/sub). Keys live under a prefix of this process's own.
import { RedisBroker, RedisStore } from "botwire/redis";
import { serve } from "botwire/ws";
import { Cluster, Redis } from "ioredis";
import { benchTelemetry } from "../lib/bench-otel.js";
import { CLUSTER } from "../lib/redis-shape.js";
import { BENCH_POLICY, benchBot } from "./bot.js";
import { harness } from "./harness.js";

const mode = process.env.BENCH_REDIS ?? "single";
// Nodes of one app (the two-node set-up) share a prefix: sessions, ledger and broker.
const prefix = process.env.BENCH_REDIS_PREFIX ?? `bench:${process.pid}:`;
const redis =
  mode === "cluster"
    ? new Cluster(CLUSTER, { shardedSubscribers: true })
    : new Redis({ host: "127.0.0.1", port: 6379 });
const sub = mode === "cluster" ? redis : redis.duplicate();

// Round trips to Redis, counted on the client side as the harness reports them: each command
// sent on its own is one (a script is one command), and a pipeline is one however many
// commands it carries (RedisStore pipelines the session lease with its read and write).
const sent = { count: 0 };
for (const client of new Set([redis, sub])) {
  const send = client.sendCommand.bind(client);
  client.sendCommand = (...args) => {
    sent.count++;
    return send(...args);
  };
  const pipeline = client.pipeline.bind(client);
  client.pipeline = (...args) => {
    const p = pipeline(...args);
    const exec = p.exec.bind(p);
    p.exec = (...rest) => {
      sent.count -= p.length - 1;
      return exec(...rest);
    };
    return p;
  };
}

// BENCH_OTEL: telemetry off (default) or one OpenTelemetry set-up of bench/lib/otel-sdk.js.
const otel = await benchTelemetry();
const { bot, counter, stack, broadcast } = benchBot({
  store: new RedisStore(redis, { prefix }),
  broker: new RedisBroker(redis, sub, { prefix }),
  ...(otel !== undefined && { telemetry: otel }),
});
const handle = serve(bot, { host: "127.0.0.1", port: 0, ...BENCH_POLICY });
await handle.ready;
harness(
  {
    port: handle.address().port,
    stack: { ...stack, redis: mode },
    broadcast,
    redisCommands: () => sent.count,
  },
  counter,
);
