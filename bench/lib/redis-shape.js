// The "redis" shape: the bench bot with its state in Redis — one Redis vs the 3-master
// cluster — at 100 connections × depth 1, reporting messages/s, p99, server CPU per message,
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
 * Runs the shape: `rounds` rounds of `seconds` per mode, fresh processes each round.
 * @param {{ start: Function, cpuUs: Function, rounds: number, seconds: number, warmupMs: number }} ctx
 */
export async function redisShape({ start, cpuUs, rounds, seconds, warmupMs }) {
  const modes = [];
  for (const mode of ["single", "cluster"]) {
    if (await available(mode)) modes.push(mode);
    else console.warn(`  redis shape: no ${mode} Redis answers; left out`);
  }
  const rows = {};
  for (let round = 1; round <= rounds; round++) {
    for (const mode of modes) {
      process.env.BENCH_REDIS = mode;
      const server = await start("servers/botwire-redis.js", ["--expose-gc"]);
      const load = await start("load.js");
      try {
        const url = `ws://127.0.0.1:${server.info.port}`;
        const c = await load.call("connect", { target: "botwire", url, conns: 100 });
        if (c.failed > 0) throw new Error(`redis ${mode}: ${c.failed} connections failed`);
        await load.call("start", { depth: 1 });
        await sleep(warmupMs);
        const m0 = await server.call("mark");
        const r0 = await counters(mode);
        await load.call("measure");
        await sleep(seconds * 1000);
        const r = await load.call("stopMeasure");
        const r1 = await counters(mode);
        const m1 = await server.call("mark");
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
          `  redis r${round} ${mode.padEnd(8)} ${row.rate.toFixed(0)} msg/s  p99 ${row.p99.toFixed(2)} ms  cpu ${row.cpuUs.toFixed(1)} µs/msg  ${row.roundTrips.toFixed(2)} round trips/msg  ${row.commands.toFixed(2)} Redis commands/msg  ${row.bytes.toFixed(0)} B/msg`,
        );
      } finally {
        await Promise.all([load.stop(), server.stop()]);
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
  console.log("\nredis shape (100 conns × depth 1, medians):");
  for (const [mode, s] of Object.entries(summary)) {
    console.log(
      `  ${mode.padEnd(8)} ${s.rate.toFixed(0)} msg/s  p99 ${s.p99.toFixed(2)} ms  cpu ${s.cpuUs.toFixed(1)} µs/msg  ${s.roundTrips.toFixed(2)} round trips/msg  ${s.commands.toFixed(2)} commands/msg  ${s.bytes.toFixed(0)} B/msg`,
    );
  }
  return summary;
}
