// One node of a botwire cluster. Every node shares Redis: protocol state (RedisLedger),
// sessions (RedisStore) and a message bus (RedisBroker), so clients may connect to any node.
//
//   PORT=3001 node examples/cluster/node.js
//
// Env: PORT (default 0 = any), REDIS_URL (default redis://127.0.0.1:6379), PREFIX (key
// prefix, default "botwire-cluster:"), NODE_NAME (default "node-<port>"), CLAIM_LEASE_MS,
// REDIS_CLUSTER_NODES ("host:port,host:port,…": a Redis Cluster instead of REDIS_URL; the
// broker then uses sharded pub/sub), DRAIN_MS (default 10000: on SIGTERM the node drains for up to this long — clients are told
// to move to other nodes, spread over the window — then stops), LOAD_TEST=1 (lifts the
// per-address limits: every client of a test comes from 127.0.0.1 through one balancer).
import { Bot } from "botwire";
import { RedisBroker, RedisStore } from "botwire/redis";
import { serve } from "botwire/ws";
import { Cluster, Redis } from "ioredis";

const clusterNodes = process.env.REDIS_CLUSTER_NODES?.split(",").map((node) => {
  const [host, port] = node.trim().split(":");
  return { host, port: Number(port) };
});
// On a Cluster one connection may publish and subscribe (sharded pub/sub needs
// `shardedSubscribers`); on a single Redis the subscriber needs a connection of its own.
const redis =
  clusterNodes === undefined
    ? new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379")
    : new Cluster(clusterNodes, { shardedSubscribers: true });
const prefix = process.env.PREFIX ?? "botwire-cluster:";
const claimLeaseMs = Number(process.env.CLAIM_LEASE_MS ?? 10_000);
const drainMs = Number(process.env.DRAIN_MS ?? 10_000);
const loadTest = process.env.LOAD_TEST === "1";

const bot = new Bot({
  // One store for all nodes: sessions, open streamed replies, and (as a RedisLedger under
  // the same prefix) protocol state.
  store: new RedisStore(redis, { prefix, claimLeaseMs }),
  broker: new RedisBroker(redis, clusterNodes === undefined ? redis.duplicate() : redis, {
    prefix,
  }),
  // A benchmark-free demo: allow fast test streams.
  limits: {
    messagesPerSecond: 1000,
    burst: 1000,
    ...(loadTest && { addressMessagesPerSecond: 1_000_000, addressBurst: 1_000_000 }),
  },
});
let name = process.env.NODE_NAME;

bot.command("join", async (ctx) => {
  const room = ctx.command.args || "lobby";
  await ctx.join(room);
  return ctx.reply(`${name}: joined ${room}`);
});
bot.command("whoami", (ctx) =>
  ctx.reply({ text: `${name}`, data: { node: name, session: ctx.sessionId } }),
);
bot.on("message", (ctx) => ctx.reply({ text: `${name}: ${ctx.text ?? ""}`, data: { node: name } }));

const handle = serve(bot, {
  port: Number(process.env.PORT ?? 0),
  host: "127.0.0.1",
  ...(loadTest && { maxConnectionsPerIp: 100_000, connectionRatePerIp: false }),
});
await handle.ready;
const { port } = handle.address();
name ??= `node-${port}`;
console.log(`${name} listening on ws://127.0.0.1:${port}`);

// When started by a parent process (the demo script or the tests), take commands over IPC.
process.send?.({ type: "ready", port, name });
process.on("message", async (command) => {
  try {
    if (command.type === "broadcast") {
      const sessions = await bot.broadcast(command.room, command.message);
      process.send?.({ type: "done", id: command.id, sessions });
    } else if (command.type === "sendTo") {
      const sessions = await bot.sendTo(command.recipient, command.message);
      process.send?.({ type: "done", id: command.id, sessions });
    } else if (command.type === "stop") {
      await handle.close();
      redis.disconnect();
      process.exit(0);
    }
  } catch (error) {
    process.send?.({ type: "failed", id: command.id, error: String(error) });
  }
});

// A rolling restart sends SIGTERM to one node after another: drain, then exit.
process.once("SIGTERM", async () => {
  await handle.close({ drainMs });
  redis.disconnect();
  process.exit(0);
});
