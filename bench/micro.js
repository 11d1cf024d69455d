// In-process micro-benchmark of botwire's per-message cost without sockets: a fake
// transport feeds frames straight into the bot and counts the frames it sends back.
// It isolates the protocol + middleware hot path from ws framing and syscalls.
// Usage: npm run build && node bench/micro.js [messages=200000]   (add --cpu-prof to profile;
// STORE=redis puts the state in Redis: use ~20000 messages, each costs Redis round trips)
import { performance } from "node:perf_hooks";

const botwire = await import(process.env.BOTWIRE_DIST ?? "botwire");
// OTEL=noop|metrics|sampled|all: with telemetry (bench/lib/otel-sdk.js); default off.
const otel =
  process.env.OTEL === undefined
    ? { telemetry: undefined, mode: "off" }
    : (await import("./lib/otel-sdk.js")).otelSetup(process.env.OTEL, await import("botwire/otel"));

const TOTAL = Number(process.argv[2] ?? 200_000);
const CONNS = 100;
const DEPTH = Number(process.env.DEPTH ?? 10);
// STORE=redis: sessions, ledger and broker on the Redis at 127.0.0.1:6379 (keys under a prefix
// of this process's own), as in the redis shape of bench/run.js; default: in memory.
const onRedis = process.env.STORE === "redis";
const stateOptions = onRedis ? await redisState() : {};
async function redisState() {
  const { RedisStore, RedisBroker } = await import("botwire/redis");
  const { Redis } = await import("ioredis");
  const redis = new Redis({ host: "127.0.0.1", port: 6379 });
  const prefix = `micro:${process.pid}:`;
  return {
    store: new RedisStore(redis, { prefix }),
    broker: new RedisBroker(redis, redis.duplicate(), { prefix }),
  };
}
const bot = new botwire.Bot({
  ...stateOptions,
  ...(otel.telemetry && { telemetry: otel.telemetry }),
  ...(process.env.TYPING && { streaming: { typingDelayMs: Number(process.env.TYPING) } }),
  limits: {
    messagesPerSecond: 1e6,
    burst: 1e6,
    // Every fake connection comes from one address: lift its budget too.
    addressMessagesPerSecond: 1e7,
    addressBurst: 1e7,
    ...(process.env.DEDUP && { dedupWindow: Number(process.env.DEDUP) }),
  },
});
const hasSession = typeof botwire.session === "function" && process.env.BENCH_SESSION !== "off";
if (hasSession) bot.use(botwire.session({ initial: () => ({ messages: 0 }) }));
bot.command("start", (ctx) => ctx.reply("Welcome!"));
// ASYNC=1: a handler that awaits (as one calling a model or a database does).
const ASYNC = process.env.ASYNC === "1";
bot.on("message", (ctx) => {
  if (hasSession) ctx.session.messages++;
  return ASYNC ? Promise.resolve().then(() => ctx.reply(ctx.text)) : ctx.reply(ctx.text);
});

let host;
await bot.start({
  listen(h) {
    host = h;
  },
  close() {},
});

let replies = 0;
let wake;
const peers = [];
for (let i = 0; i < CONNS; i++) {
  const peer = { seq: 0, unacked: 0 };
  peer.listener = host.open({
    id: `c${i}`,
    info: { remoteAddress: "127.0.0.1", origin: undefined, headers: {} },
    bufferedAmount: 0,
    send(frame) {
      const msg = JSON.parse(frame);
      if (msg.type !== "message") return;
      peer.seq = msg.seq;
      if (++peer.unacked >= 32) {
        peer.unacked = 0;
        peer.listener.message(`{"type":"ack","seq":${peer.seq}}`);
      }
      replies++;
      wake?.();
    },
    close() {},
  });
  peer.listener.message('{"type":"hello"}');
  peers.push(peer);
}
await new Promise((r) => setTimeout(r, 10));

let id = 0;
const TEXT = "The quick brown fox jumps over the lazy dog";
async function batch() {
  const want = replies + CONNS * DEPTH;
  for (const p of peers) {
    for (let d = 0; d < DEPTH; d++) {
      p.listener.message(`{"type":"message","id":"${++id}","text":"${TEXT}"}`);
    }
  }
  while (replies < want) await new Promise((r) => (wake = r));
}

for (let i = 0; i < 20; i++) await batch(); // warm-up
const n0 = replies;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
while (replies - n0 < TOTAL) await batch();
const cpu = process.cpuUsage(cpu0);
const n = replies - n0;
console.log(
  `botwire in-process: ${((cpu.user + cpu.system) / n).toFixed(2)} µs CPU/msg, ${((n / (performance.now() - t0)) * 1000).toFixed(0)} msg/s (session ${hasSession ? "on" : "off"}, telemetry ${otel.mode}, state ${onRedis ? "in Redis" : "in memory"})`,
);
process.exit(0);
