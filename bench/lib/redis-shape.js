// The "redis" shape: the bench bot with its state in Redis — one node on one Redis, one node
// on the 3-master cluster, two nodes on one Redis — and Socket.IO on two nodes with its Redis
// adapter, at 100 connections × depth 1, reporting messages/s, p99, server CPU per message,
// Redis round trips per message (commands the bot's process sends, counted in it), and Redis
// commands (including those run inside scripts) and bytes per message (INFO commandstats /
// INFO stats of every master, before and after the window: the bench must run alone).
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { median } from "./stats.js";

const SINGLE = [{ host: "127.0.0.1", port: 6379 }];
/** The cluster's masters (REDIS_CLUSTER_NODES, or scripts/redis-cluster.sh's). */
export const CLUSTER = (
  process.env.REDIS_CLUSTER_NODES ?? "127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103"
)
  .split(",")
  .map((node) => ({ host: node.split(":")[0], port: Number(node.split(":")[1]) }));

/** Whether every node answers (cluster nodes: with `cluster_state:ok`). */
export async function available(mode) {
  for (const node of mode === "cluster" ? CLUSTER : SINGLE) {
    const probe = new Redis({
      ...node,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on("error", () => {});
    try {
      await probe.connect();
      if (mode === "cluster" && !/cluster_state:ok/.test(await probe.cluster("INFO"))) return false;
    } catch {
      return false;
    } finally {
      probe.disconnect();
    }
  }
  return true;
}

/** Commands run and bytes in + out, summed over the masters (INFO itself excluded). */
async function counters(mode) {
  let commands = 0;
  let bytes = 0;
  for (const node of mode === "cluster" ? CLUSTER : SINGLE) {
    const redis = new Redis(node);
    const stats = await redis.info("commandstats");
    for (const [, name, calls] of stats.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
      if (name !== "info") commands += Number(calls);
    }
    const net = await redis.info("stats");
    bytes += Number(/total_net_input_bytes:(\d+)/.exec(net)?.[1] ?? 0);
    bytes += Number(/total_net_output_bytes:(\d+)/.exec(net)?.[1] ?? 0);
    redis.disconnect();
  }
  return { commands, bytes };
}

/**
 * The set-ups the shape compares, each at 100 connections × depth 1 (split evenly across the
 * nodes): botwire on one node (one Redis; the cluster), botwire on two nodes sharing one
 * Redis (sessions, ledger and broker), and Socket.IO on two nodes with @socket.io/redis-adapter
 * answering every message with a room broadcast through the adapter.
 */
const SETUPS = [
  { key: "single", redis: "single", nodes: 1, target: "botwire" },
  // Telemetry on a bot whose state is in Redis (issue #17's bar, on the production shape):
  // the OpenTelemetry set-ups of bench/lib/otel-sdk.js, compared with "single".
  { key: "single+metrics", redis: "single", nodes: 1, target: "botwire", otel: "metrics" },
  { key: "single+sampled", redis: "single", nodes: 1, target: "botwire", otel: "sampled" },
  { key: "single+all", redis: "single", nodes: 1, target: "botwire", otel: "all" },
  { key: "cluster", redis: "cluster", nodes: 1, target: "botwire" },
  { key: "two-nodes", redis: "single", nodes: 2, target: "botwire" },
  { key: "socketio-2", redis: "single", nodes: 2, target: "socketio" },
];

/** Sums the servers' marks (CPU, messages handled, Redis commands sent). */
async function mark(servers) {
  const marks = await Promise.all(servers.map((s) => s.call("mark")));
  const sum = (f) => marks.reduce((n, m) => n + f(m), 0);
  return {
    cpu: { user: sum((m) => m.cpu.user), system: sum((m) => m.cpu.system) },
    handled: sum((m) => m.handled),
    redis: sum((m) => m.redis ?? 0),
  };
}

/**
 * Runs the shape: `rounds` rounds of `seconds` per set-up, fresh processes each round.
 * @param {{ start: Function, cpuUs: Function, rounds: number, seconds: number, warmupMs: number }} ctx
 */
export async function redisShape({ start, cpuUs, rounds, seconds, warmupMs }) {
  const setups = [];
  for (const setup of SETUPS) {
    if (await available(setup.redis)) setups.push(setup);
    else console.warn(`  redis shape: no ${setup.redis} Redis answers; ${setup.key} left out`);
  }
  const rows = {};
  // The telemetry rows set BENCH_OTEL for their servers; whatever the caller set comes back after.
  const callerOtel = process.env.BENCH_OTEL;
  for (let round = 1; round <= rounds; round++) {
    for (const setup of setups) {
      const mode = setup.key;
      process.env.BENCH_REDIS = setup.redis;
      // The nodes of one app share their Redis keys (and Socket.IO's adapter channel).
      process.env.BENCH_REDIS_PREFIX = `bench:${process.pid}:${round}:${mode}:`;
      process.env.BENCH_IO_KEY = `${process.pid}:${round}`;
      process.env.BENCH_OTEL = setup.otel ?? "off";
      const script =
        setup.target === "socketio" ? "servers/socketio-redis.js" : "servers/botwire-redis.js";
      const servers = [];
      for (let i = 0; i < setup.nodes; i++) servers.push(await start(script, ["--expose-gc"]));
      const load = await start("load.js");
      try {
        const scheme = setup.target === "socketio" ? "http" : "ws";
        const url = servers.map((s) => `${scheme}://127.0.0.1:${s.info.port}`);
        const c = await load.call("connect", { target: setup.target, url, conns: 100 });
        if (c.failed > 0) throw new Error(`redis ${mode}: ${c.failed} connections failed`);
        await load.call("start", { depth: 1 });
        await sleep(warmupMs);
        const m0 = await mark(servers);
        const r0 = await counters(setup.redis);
        await load.call("measure");
        await sleep(seconds * 1000);
        const r = await load.call("stopMeasure");
        const r1 = await counters(setup.redis);
        const m1 = await mark(servers);
        await load.call("close");
        const handled = m1.handled - m0.handled;
        const row = {
          rate: r.rate,
          p99: r.p99,
          cpuUs: cpuUs(m0, m1) / handled,
          roundTrips: (m1.redis - m0.redis) / handled,
          commands: (r1.commands - r0.commands) / handled,
          bytes: (r1.bytes - r0.bytes) / handled,
        };
        rows[mode] ??= [];
        rows[mode].push(row);
        console.log(
          `  redis r${round} ${mode.padEnd(14)} ${row.rate.toFixed(0)} msg/s  p99 ${row.p99.toFixed(2)} ms  cpu ${row.cpuUs.toFixed(1)} µs/msg  ${row.roundTrips.toFixed(2)} round trips/msg  ${row.commands.toFixed(2)} Redis commands/msg  ${row.bytes.toFixed(0)} B/msg`,
        );
      } finally {
        if (callerOtel === undefined) delete process.env.BENCH_OTEL;
        else process.env.BENCH_OTEL = callerOtel;
        await Promise.all([load.stop(), ...servers.map((s) => s.stop())]);
      }
    }
  }
  const summary = {};
  for (const [mode, list] of Object.entries(rows)) {
    summary[mode] = Object.fromEntries(
      ["rate", "p99", "cpuUs", "roundTrips", "commands", "bytes"].map((k) => [
        k,
        median(list.map((x) => x[k])),
      ]),
    );
  }
  // Telemetry rows: ratios to the same node without it.
  for (const setup of setups.filter((x) => x.otel !== undefined)) {
    const on = summary[setup.key];
    const off = summary.single;
    if (on === undefined || off === undefined) continue;
    on.rateRatio = on.rate / off.rate;
    on.cpuRatio = on.cpuUs / off.cpuUs;
  }
  console.log("\nredis shape (100 conns × depth 1, medians; CPU summed over the nodes):");
  for (const [mode, s] of Object.entries(summary)) {
    const vsOff = (r) => (r === undefined ? "" : ` (${r.toFixed(2)}× off)`);
    console.log(
      `  ${mode.padEnd(14)} ${s.rate.toFixed(0)} msg/s${vsOff(s.rateRatio)}  p99 ${s.p99.toFixed(2)} ms  cpu ${s.cpuUs.toFixed(1)} µs/msg${vsOff(s.cpuRatio)}  ${s.roundTrips.toFixed(2)} round trips/msg  ${s.commands.toFixed(2)} commands/msg  ${s.bytes.toFixed(0)} B/msg`,
    );
  }
  return summary;
}
