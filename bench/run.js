// `npm run bench`: raw ws vs Socket.IO vs botwire (on botwire/ws in Node, and on botwire/bun
// in Bun: target `bun`, when the bun binary is installed), each server in its own process, driven by
// a load-generator process over loopback. Targets are interleaved (A B C A B C …) so that
// noise from other work on the machine hits all of them alike; medians and ratios to raw ws
// are printed and written to bench/results/latest.json and docs/benchmarks.svg (a run of only
// some shapes or targets writes bench/results/partial.json instead).
//
// Environment knobs (defaults keep the whole run under 10 minutes on 2 cores):
//   BENCH_ROUNDS=3  BENCH_SECONDS=3  BENCH_WARMUP_MS=1000  BENCH_IDLE=10000  BENCH_IDLE_ROUNDS=3
//   BENCH_SHAPES=c100d1,c100d10,c1000d1,idle,s100,s500,redis,otel   BENCH_TARGETS=ws,socketio,botwire,bun
//   BENCH_STREAM_ROUNDS=3  BENCH_DELTA_MS=50 (botwire's streaming.deltaIntervalMs)
//   or on the command line: node bench/run.js --only stream   (or --only s100,c100d10)
//   node bench/run.js --only redis: the bench bot with its state on one Redis vs the Redis
//   Cluster of scripts/redis-cluster.sh (msg/s, p99, CPU, Redis commands and bytes per message)
//   BENCH_PROFILE=botwire  (server runs with --cpu-prof into bench/results/profiles)
//   BENCH_SESSION=off      (diagnostic: botwire without session(), to split the cost)
//   BENCH_NODE_FLAGS="--trace-gc"  (extra node flags for the servers)
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { start } from "./lib/child.js";
import { machine } from "./lib/machine.js";
import { otelChecks, otelShape } from "./lib/otel-shape.js";
import { redisShape } from "./lib/redis-shape.js";
import { checks, markdown, printShape, summarise } from "./lib/report.js";
import { scaleShape } from "./lib/scale-shape.js";
import { median } from "./lib/stats.js";
import { chart } from "./lib/svg.js";

const env = (name, fallback) => process.env[name] ?? fallback;
const ROUNDS = Number(env("BENCH_ROUNDS", 3));
const SECONDS = Number(env("BENCH_SECONDS", 3));
const WARMUP_MS = Number(env("BENCH_WARMUP_MS", 1000));
const IDLE = Number(env("BENCH_IDLE", 10_000));
const IDLE_ROUNDS = Number(env("BENCH_IDLE_ROUNDS", 3));
const BROADCASTS = 5;

/** The bun binary from the @oven/bun-* package npm installs (as test/runtimes/helpers.ts finds it). */
function bunBinary() {
  const arch = process.arch === "x64" ? "x64" : "aarch64";
  try {
    const pkg = createRequire(import.meta.url).resolve(
      `@oven/bun-${process.platform}-${arch}/package.json`,
    );
    const file = join(dirname(pkg), "bin", "bun");
    return existsSync(file) && statSync(file).size > 1_000_000 ? file : undefined;
  } catch {
    return undefined;
  }
}
const BUN = bunBinary();
const ALL_TARGETS = ["ws", "socketio", "botwire", ...(BUN === undefined ? [] : ["bun"])];
if (BUN === undefined) console.warn("bench: no bun binary (npm ci): the bun target is left out");
const TARGETS = env("BENCH_TARGETS", ALL_TARGETS.join(","))
  .split(",")
  .filter((t) => t !== "bun" || BUN !== undefined);
const PROFILE = env("BENCH_PROFILE", "");
const STREAM_ROUNDS = Number(env("BENCH_STREAM_ROUNDS", 3));
const DEFAULT_SHAPES = [
  ...["c100d1", "c100d10", "c1000d1", "idle", "s100", "s500"],
  ...["scale", "redis", "otel"],
];
const onlyArg = process.argv.indexOf("--only");
const ONLY = (
  onlyArg > 0 ? process.argv[onlyArg + 1] : env("BENCH_SHAPES", DEFAULT_SHAPES.join(","))
)
  .split(",")
  .flatMap((k) => (k === "stream" ? ["s100", "s500"] : [k]));
const root = (p) => fileURLToPath(new URL(`../${p}`, import.meta.url));

const THROUGHPUT = [
  { key: "c100d1", name: "100 conns × depth 1", conns: 100, depth: 1 },
  { key: "c100d10", name: "100 conns × depth 10", conns: 100, depth: 10 },
  { key: "c1000d1", name: "1000 conns × depth 1", conns: 1000, depth: 1 },
].filter((s) => ONLY.includes(s.key));

// Streamed replies (ctx.replyStream): every connection sends one message and gets a reply of
// `tokens` 5-character tokens, `burst` per event-loop turn (bench/lib/stream-text.js), with
// botwire's default coalescing (deltaIntervalMs 50). Raw ws reads the same source and sends
// the same text in exactly as many delta frames per connection as botwire sent in the same
// round (botwire runs first). Socket.IO has no streamed-reply protocol here: omitted.
const STREAMS = [
  { key: "s100", name: "100 streams × 2000 tokens", conns: 100, tokens: 2000, burst: 1 },
  { key: "s500", name: "500 streams × 400 tokens", conns: 500, tokens: 400, burst: 1 },
].filter((s) => ONLY.includes(s.key));
const STREAM_TARGETS = ["ws", "botwire", "bun"].filter((t) => TARGETS.includes(t));

const cpuUs = (a, b) => b.cpu.user + b.cpu.system - (a.cpu.user + a.cpu.system);
const urlOf = (target, port) =>
  target === "socketio" ? `http://127.0.0.1:${port}` : `ws://127.0.0.1:${port}`;
let stack = null;

async function pair(target) {
  const flags = [
    "--expose-gc",
    ...(process.env.BENCH_NODE_FLAGS?.split(" ").filter(Boolean) ?? []),
  ];
  if (PROFILE === target) {
    mkdirSync(root("bench/results/profiles"), { recursive: true });
    flags.push("--cpu-prof", `--cpu-prof-dir=${root("bench/results/profiles")}`);
  }
  // The bun target: botwire/bun in a Bun process (--no-install: never fetch a package).
  const server =
    target === "bun"
      ? await start("servers/bun.js", ["--no-install"], BUN)
      : await start(`servers/${target}.js`, flags);
  if (target === "botwire") stack = server.info.stack;
  const load = await start("load.js");
  return { server, load, url: urlOf(target, server.info.port) };
}

async function throughputRun(target, shape) {
  const { server, load, url } = await pair(target);
  try {
    const c = await load.call("connect", { target, url, conns: shape.conns });
    if (c.failed > 0) throw new Error(`${target}: ${c.failed} connections failed`);
    await load.call("start", { depth: shape.depth });
    await sleep(WARMUP_MS);
    const m0 = await server.call("mark");
    await load.call("measure");
    await sleep(SECONDS * 1000);
    const r = await load.call("stopMeasure");
    const m1 = await server.call("mark");
    await load.call("close");
    const handled = m1.handled - m0.handled;
    return {
      rate: r.rate,
      p50: r.p50,
      p99: r.p99,
      cpuUs: cpuUs(m0, m1) / handled,
      errors: r.errors,
    };
  } finally {
    await Promise.all([load.stop(), server.stop()]);
  }
}

/**
 * The stream shapes keep one server and one load generator per target for all their rounds
 * (streams are short; fresh processes per round would double the time): connects, and warms
 * the hot path up with one short stream per connection.
 */
async function streamPair(target, shape) {
  const p = await pair(target);
  const c = await p.load.call("connect", { target, url: p.url, conns: shape.conns });
  if (c.failed > 0) throw new Error(`${target}: ${c.failed} connections failed`);
  const tokens = Math.ceil(shape.tokens / 4);
  const frames = Array(shape.conns).fill(Math.ceil(tokens / 50));
  const w = await p.load.call("stream", { tokens, burst: shape.burst, frames });
  if (w.failures > 0) console.warn(`  ${target}: warm-up: ${w.failures} failed: ${w.reasons}`);
  return { ...p, warmupFailures: w.failures, warmupReasons: w.reasons };
}

/** One measured stream per connection; `frames` (raw ws): delta frames per connection. */
async function streamRun({ server, load }, shape, frames) {
  await sleep(100);
  const m0 = await server.call("mark");
  const r = await load.call("stream", { tokens: shape.tokens, burst: shape.burst, frames });
  const m1 = await server.call("mark");
  const cpu = cpuUs(m0, m1);
  return {
    rate: (r.chars * 1000) / r.elapsedMs,
    frameRate: (r.deltas * 1000) / r.elapsedMs,
    cpuUs: cpu / r.deltas,
    cpuTokenUs: cpu / (shape.tokens * shape.conns),
    framesPerStream: r.deltas / shape.conns,
    firstMs: r.firstP50,
    elapsedMs: r.elapsedMs,
    chars: r.chars,
    deltas: r.deltas,
    otherFrames: r.other,
    failures: r.failures,
    reasons: r.reasons,
    errors: r.errors,
    frames: r.frames,
  };
}

async function idleRun(target, conns = IDLE) {
  const { server, load, url } = await pair(target);
  try {
    const g0 = await server.call("gc");
    const c = await load.call("connect", { target, url, conns, concurrency: 500 });
    if (c.failed > 0) console.warn(`  ${target}: ${c.failed} of ${conns} connections failed`);
    await sleep(1000);
    const g1 = await server.call("gc");
    const idle = {
      rssKiB: (g1.rss - g0.rss) / 1024 / c.connected,
      heapKiB: (g1.heap - g0.heap) / 1024 / c.connected,
      connectMs: c.connectMs,
    };
    const all = [];
    const p50 = [];
    const m0 = await server.call("mark");
    for (let i = 0; i < BROADCASTS; i++) {
      await load.call("arm");
      await server.call("broadcast");
      const b = await load.call("collect", { timeoutMs: 30_000 });
      if (b.got < c.connected)
        console.warn(`  ${target}: broadcast reached ${b.got}/${c.connected}`);
      all.push(b.max);
      p50.push(b.p50);
      await sleep(100);
    }
    const m1 = await server.call("mark");
    const broadcast = {
      allMs: median(all),
      p50: median(p50),
      cpuUs: cpuUs(m0, m1) / (c.connected * BROADCASTS),
    };
    await load.call("close");
    return { idle, broadcast };
  } finally {
    await Promise.all([load.stop(), server.stop()]);
  }
}

const began = Date.now();
const info = machine();
console.log(
  `botwire bench — ${info.cpu}, ${info.nproc} cores, Node ${info.node}, load ${info.loadAtStart}`,
);
console.log(
  `targets ${TARGETS.join(", ")}; ${ROUNDS} rounds × ${SECONDS}s (+${WARMUP_MS}ms warm-up)`,
);

const shapes = [];
for (const shape of THROUGHPUT) {
  const result = {
    key: shape.key,
    name: shape.name,
    kind: "throughput",
    rounds: {},
    roundsDone: ROUNDS,
  };
  for (let round = 1; round <= ROUNDS; round++) {
    for (const target of TARGETS) {
      const r = await throughputRun(target, shape);
      result.rounds[target] ??= [];
      result.rounds[target].push(r);
      console.log(
        `  ${shape.name} r${round} ${target.padEnd(8)} ${r.rate.toFixed(0).padStart(7)} msg/s  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  cpu ${r.cpuUs.toFixed(1)} µs/msg`,
      );
    }
  }
  shapes.push(summarise(result, TARGETS));
  printShape(result, TARGETS);
}

let streamFailures = 0;
if (STREAMS.length > 0 && TARGETS.includes("socketio")) {
  console.log("  stream shapes: Socket.IO omitted (no streamed-reply protocol to compare with)");
}
for (const shape of STREAMS) {
  const result = {
    key: shape.key,
    name: shape.name,
    kind: "stream",
    rounds: {},
    roundsDone: STREAM_ROUNDS,
    failures: 0,
  };
  const pairs = {};
  try {
    for (const target of STREAM_TARGETS) {
      pairs[target] = await streamPair(target, shape);
      result.failures += pairs[target].warmupFailures;
    }
    for (let round = 1; round <= STREAM_ROUNDS; round++) {
      let frames;
      // botwire (and bun) first: raw ws then sends exactly as many frames per connection.
      for (const target of [...STREAM_TARGETS].reverse()) {
        const { frames: sent, ...r } = await streamRun(pairs[target], shape, frames);
        if (target === "botwire") frames = sent;
        result.rounds[target] ??= [];
        result.rounds[target].push(r);
        result.failures += r.failures;
        console.log(
          `  ${shape.name} r${round} ${target.padEnd(8)} ${(r.rate / 1e6).toFixed(2).padStart(5)} M chars/s  ${r.frameRate.toFixed(0).padStart(6)} frames/s  ${r.framesPerStream.toFixed(1)} frames/stream  cpu ${r.cpuUs.toFixed(1)} µs/delta  ${r.cpuTokenUs.toFixed(2)} µs/token  first ${r.firstMs.toFixed(1)} ms  ${(r.elapsedMs / 1000).toFixed(2)} s${r.otherFrames > 0 ? `  +${r.otherFrames} other frames` : ""}${r.failures > 0 ? `  FAILED ${r.failures}: ${r.reasons.join("; ")}` : ""}`,
        );
      }
    }
  } finally {
    await Promise.all(
      Object.values(pairs).flatMap(({ server, load }) => [load.stop(), server.stop()]),
    );
  }
  streamFailures += result.failures;
  shapes.push(summarise(result, TARGETS));
  printShape(result, STREAM_TARGETS);
  console.log(
    result.failures > 0
      ? `  FAIL: ${result.failures} streams were not reassembled byte-identically`
      : "  every stream reassembled byte-identically to its final message and the expected text",
  );
}

if (ONLY.includes("idle")) {
  const n = IDLE.toLocaleString("en-US").replaceAll(",", " ");
  const idle = {
    key: "idle",
    name: `${n} idle conns`,
    kind: "idle",
    rounds: {},
    roundsDone: IDLE_ROUNDS,
  };
  const bc = {
    key: "broadcast",
    name: `broadcast to ${n}`,
    kind: "broadcast",
    rounds: {},
    roundsDone: IDLE_ROUNDS,
  };
  for (let round = 1; round <= IDLE_ROUNDS; round++) {
    for (const target of TARGETS) {
      const r = await idleRun(target);
      idle.rounds[target] ??= [];
      idle.rounds[target].push(r.idle);
      bc.rounds[target] ??= [];
      bc.rounds[target].push(r.broadcast);
      console.log(
        `  idle r${round} ${target.padEnd(8)} ${r.idle.rssKiB.toFixed(1)} KiB/conn  connect ${r.idle.connectMs.toFixed(0)} ms  broadcast all ${r.broadcast.allMs.toFixed(1)} ms  cpu ${r.broadcast.cpuUs.toFixed(2)} µs/delivery`,
      );
    }
  }
  for (const s of [idle, bc]) {
    shapes.push(summarise(s, TARGETS));
    printShape(s, TARGETS);
  }
}

// The redis shape (not in the default set: it needs Redis and the cluster, and runs alone).
let redis;
if (ONLY.includes("redis")) {
  console.log("\n== redis: 100 conns × depth 1, state in Redis (single vs cluster) ==");
  redis = await redisShape({
    start,
    cpuUs,
    rounds: ROUNDS,
    seconds: SECONDS,
    warmupMs: WARMUP_MS,
  });
}

// The scale shape: 100 000 idle connections on one process (or what the open-file limit allows).
let scale;
if (ONLY.includes("scale")) {
  console.log("\n== scale: idle connections on one process, raw ws vs botwire ==");
  scale = await scaleShape({
    idleRun,
    targets: ["ws", "botwire"].filter((t) => TARGETS.includes(t)),
  });
}

// The otel shape: the bench bot with telemetry off and on (each OpenTelemetry set-up).
let otel;
if (ONLY.includes("otel")) {
  console.log("\n== otel: 100 conns × depth 1 and 10, telemetry off vs on ==");
  otel = await otelShape({ throughputRun, rounds: ROUNDS });
}

const fullRun =
  ALL_TARGETS.every((t) => TARGETS.includes(t)) && DEFAULT_SHAPES.every((k) => ONLY.includes(k));
const results = {
  date: new Date().toISOString(),
  machine: info,
  config: {
    rounds: ROUNDS,
    seconds: SECONDS,
    warmupMs: WARMUP_MS,
    idleConnections: IDLE,
    idleRounds: IDLE_ROUNDS,
    broadcasts: BROADCASTS,
    botwireStack: stack,
    botwireLimits: { messagesPerSecond: 1_000_000, burst: 1_000_000 },
    streamRounds: STREAM_ROUNDS,
    streamDeltaIntervalMs: Number(env("BENCH_DELTA_MS", 50)),
  },
  shapes,
  ...(redis !== undefined && { redis }),
  ...(otel !== undefined && { otel }),
  ...(scale !== undefined && { scale }),
  checks: [
    ...(TARGETS.includes("botwire") && TARGETS.includes("ws") ? checks(shapes) : []),
    ...(otel === undefined ? [] : otelChecks(otel)),
    ...(scale?.check === undefined ? [] : [scale.check]),
  ],
  markdown: markdown(shapes, TARGETS),
  durationS: (Date.now() - began) / 1000,
};
if (STREAMS.length > 0) {
  results.checks.push({
    shape: STREAMS.map((s) => s.name).join(", "),
    metric: "streams reassembled byte-identically",
    failures: streamFailures,
    limit: "0 failures",
    pass: streamFailures === 0,
  });
}
mkdirSync(root("bench/results"), { recursive: true });
// A partial run (some shapes or targets) does not overwrite the full run's results.
const out = fullRun ? "bench/results/latest.json" : "bench/results/partial.json";
writeFileSync(root(out), `${JSON.stringify(results, null, 2)}\n`);
if (streamFailures > 0) process.exitCode = 1;
if (fullRun) {
  const subtitle = `${info.nproc} × ${info.cpu}, Node ${info.node}, ${results.date.slice(0, 10)}; botwire stack: session ${stack?.session ? "on" : "PENDING"}, broadcast via ${stack?.broadcast}`;
  writeFileSync(root("docs/benchmarks.svg"), chart(shapes, TARGETS, subtitle));
}
console.log(`\nbotwire stack: ${JSON.stringify(stack)}`);
for (const c of results.checks) {
  const value = c.failures === undefined ? `${c.ratio.toFixed(2)}×` : `${c.failures} failed`;
  console.log(
    `  ${c.pass ? "ok  " : "MISS"} ${c.shape} · ${c.metric}: ${value} (target ${c.limit})`,
  );
}
console.log(
  `\nwrote ${out}${fullRun ? " and docs/benchmarks.svg" : ""} in ${results.durationS.toFixed(0)} s`,
);
