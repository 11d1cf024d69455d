// One node of a streaming bot cluster, for test/cluster/stream-failover.test.ts. Runs the
// BUILT package (dist/, through the package's self-reference "botwire") against real Redis:
// RedisStore (sessions, open streams, and the ledger it makes) + RedisBroker.
//
// Every message "<count>:<delayMs>" is answered with a streamed reply of `count` tokens, one
// every `delayMs` ms; the text is streamToken(0) + streamToken(1) + … (the test computes
// the same text with its own copy of streamToken). The parent is told over IPC when the node
// is ready, when a connection opens (which node a client landed on), when a handler starts
// (how often a message ran, and where) and when a stream ends.
//
// Env: PREFIX (key and channel prefix), NODE_NAME, CLAIM_LEASE_MS, HEARTBEAT_MS,
// DELTA_INTERVAL_MS, REDIS_URL.
import { Bot } from "botwire";
import { RedisBroker, RedisStore } from "botwire/redis";
import { serve } from "botwire/ws";
import { Redis } from "ioredis";

const name = process.env.NODE_NAME ?? "node";
const prefix = process.env.PREFIX ?? "test-stream-node:";
const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
const subscriber = redis.duplicate();

/** Token `i` of a streamed text: ASCII with, now and then, a 2-code-unit emoji and an "é". */
function streamToken(i) {
  return `t${i}${i % 29 === 7 ? "😀" : ""}${i % 31 === 3 ? "é" : ""} `;
}

async function* tokens(count, delayMs) {
  for (let i = 0; i < count; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    yield streamToken(i);
  }
}

const bot = new Bot({
  store: new RedisStore(redis, {
    prefix,
    claimLeaseMs: Number(process.env.CLAIM_LEASE_MS ?? 1500),
  }),
  broker: new RedisBroker(redis, subscriber, { prefix }),
  streaming: {
    heartbeatMs: Number(process.env.HEARTBEAT_MS ?? 300),
    deltaIntervalMs: Number(process.env.DELTA_INTERVAL_MS ?? 50),
  },
});

bot.events.on("connect", ({ sessionId, resumed }) => {
  process.send?.({ type: "connect", node: name, session: sessionId, resumed });
});

bot.on("message", async (ctx) => {
  const id = ctx.message?.id;
  const [count = 10, delayMs = 20] = (ctx.text ?? "").split(":").map(Number);
  process.send?.({ type: "run", node: name, session: ctx.sessionId, id });
  const final = await ctx.replyStream(tokens(count, delayMs));
  process.send?.({
    type: "streamed",
    node: name,
    session: ctx.sessionId,
    id,
    stream: final.stream,
    end: final.end,
  });
});

const handle = serve(bot, { port: 0, host: "127.0.0.1" });
await handle.ready;
const { port } = handle.address();
process.send?.({ type: "ready", node: name, port });

process.once("SIGTERM", async () => {
  await handle.close();
  redis.disconnect();
  subscriber.disconnect();
  process.exit(0);
});
// The parent went away: do not outlive it.
process.on("disconnect", () => process.exit(0));
