// The "otel" shape: the bench bot at 100 connections × depth 1 and × depth 10 with its
// telemetry off (no `telemetry` option, the default) and on, in each OpenTelemetry set-up of
// bench/lib/otel-sdk.js (noop: no SDK; metrics; sampled: metrics + 10 % of traces; all:
// metrics + every span). Fresh processes per round, the modes interleaved within a round, so
// every ratio compares runs made minutes apart at most. Reports msg/s, p99 and server CPU per
// message, each as a ratio to "off".
import { median } from "./stats.js";

export const OTEL_MODES = ["off", "noop", "metrics", "sampled", "all"];
const DEPTHS = [1, 10];
/** The bar: telemetry on keeps at least this share of the throughput of off. */
export const OTEL_LIMIT = 0.85;

/**
 * Runs the shape with the bench's own throughput run of the botwire target, its server told
 * the set-up through BENCH_OTEL (bench/servers/botwire.js reads it).
 * @param {{ throughputRun: (target: string, shape: { conns: number, depth: number }) => Promise<{ rate: number, p99: number, cpuUs: number }>, rounds: number }} ctx
 */
export async function otelShape({ throughputRun, rounds }) {
  const rows = {};
  for (let round = 1; round <= rounds; round++) {
    for (const depth of DEPTHS) {
      for (const mode of OTEL_MODES) {
        process.env.BENCH_OTEL = mode;
        let r;
        try {
          r = await throughputRun("botwire", { conns: 100, depth });
        } finally {
          delete process.env.BENCH_OTEL;
        }
        const row = { rate: r.rate, p99: r.p99, cpuUs: r.cpuUs };
        const key = `d${depth}`;
        rows[key] ??= {};
        rows[key][mode] ??= [];
        rows[key][mode].push(row);
        console.log(
          `  otel d${depth} r${round} ${mode.padEnd(8)} ${row.rate.toFixed(0).padStart(7)} msg/s  p99 ${row.p99.toFixed(2)} ms  cpu ${row.cpuUs.toFixed(1)} µs/msg`,
        );
      }
    }
  }
  const summary = {};
  for (const [key, byMode] of Object.entries(rows)) {
    summary[key] = {};
    for (const [mode, list] of Object.entries(byMode)) {
      summary[key][mode] = Object.fromEntries(
        ["rate", "p99", "cpuUs"].map((k) => [k, median(list.map((x) => x[k]))]),
      );
    }
    const off = summary[key].off;
    for (const mode of OTEL_MODES) {
      const s = summary[key][mode];
      s.rateRatio = s.rate / off.rate;
      s.cpuRatio = s.cpuUs / off.cpuUs;
    }
  }
  console.log("\notel shape (100 conns, medians; ratios to telemetry off):");
  for (const [key, byMode] of Object.entries(summary)) {
    for (const [mode, s] of Object.entries(byMode)) {
      console.log(
        `  ${key} ${mode.padEnd(8)} ${s.rate.toFixed(0).padStart(7)} msg/s (${s.rateRatio.toFixed(2)}×)  p99 ${s.p99.toFixed(2)} ms  cpu ${s.cpuUs.toFixed(1)} µs/msg (${s.cpuRatio.toFixed(2)}×)`,
      );
    }
  }
  return summary;
}

/** The checks of the shape: telemetry on (every SDK set-up) ≥ OTEL_LIMIT × off. */
export function otelChecks(summary) {
  const out = [];
  for (const [key, byMode] of Object.entries(summary)) {
    for (const mode of OTEL_MODES.filter((m) => m !== "off")) {
      const ratio = byMode[mode].rateRatio;
      out.push({
        shape: `otel 100 conns × depth ${key.slice(1)}`,
        metric: `throughput, telemetry ${mode} ÷ off`,
        ratio,
        limit: `≥ ${OTEL_LIMIT}`,
        pass: ratio >= OTEL_LIMIT,
      });
    }
  }
  return out;
}
