// The "scale" shape: idle connections on one server process — 100 000 by default
// (BENCH_SCALE) — for raw ws and botwire, reporting server RSS per connection and the time
// until the last client got a broadcast. Past one loopback source address's ephemeral
// ports the load generator connects from 127.0.0.2, 127.0.0.3, … (bench/load.js). Each
// process needs an open file per connection: where the hard limit (`ulimit -Hn`) is lower,
// the shape runs at what the limit allows and says so.
import { execFileSync } from "node:child_process";

const WANTED = Number(process.env.BENCH_SCALE ?? 100_000);
/** Files a process keeps besides its sockets (modules, pipes, the IPC channel). */
const SPARE = 300;
/** The issue's bar: botwire's RSS per idle connection at most this × raw ws's. */
export const SCALE_RSS_LIMIT = 1.3;

function hardFileLimit() {
  try {
    const out = execFileSync("bash", ["-c", "ulimit -Hn"], { encoding: "utf8" }).trim();
    return out === "unlimited" ? Number.POSITIVE_INFINITY : Number(out);
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/**
 * Runs the shape: one round per target (connecting 100 000 takes a while).
 * @param {{ idleRun: (target: string, conns: number) => Promise<{ idle: object, broadcast: object }>, targets: string[] }} ctx
 */
export async function scaleShape({ idleRun, targets }) {
  const limit = hardFileLimit();
  const conns = Math.min(WANTED, limit - SPARE);
  const capped = conns < WANTED;
  if (capped) {
    console.log(
      `  scale: ${conns} connections, not ${WANTED}: this machine's hard open-file limit is ${limit} (ulimit -Hn), and raising it needs privileges this user lacks`,
    );
  }
  const rows = {};
  for (const target of targets) {
    const r = await idleRun(target, conns);
    rows[target] = { rssKiB: r.idle.rssKiB, connectMs: r.idle.connectMs, ...r.broadcast };
    console.log(
      `  scale ${target.padEnd(8)} ${conns} conns  ${r.idle.rssKiB.toFixed(1)} KiB/conn  connect ${(r.idle.connectMs / 1000).toFixed(1)} s  broadcast all ${r.broadcast.allMs.toFixed(0)} ms  cpu ${r.broadcast.cpuUs.toFixed(2)} µs/delivery`,
    );
  }
  const ratio =
    rows.botwire !== undefined && rows.ws !== undefined
      ? rows.botwire.rssKiB / rows.ws.rssKiB
      : undefined;
  if (ratio !== undefined) {
    console.log(
      `  scale: botwire/ws RSS per connection ${ratio.toFixed(2)}×, broadcast until the last ${(rows.botwire.allMs / rows.ws.allMs).toFixed(2)}×`,
    );
  }
  return {
    wanted: WANTED,
    conns,
    fileLimit: Number.isFinite(limit) ? limit : null,
    rows,
    ...(ratio !== undefined && {
      check: {
        shape: `${conns} idle conns on one process${capped ? ` (capped from ${WANTED} by ulimit -Hn)` : ""}`,
        metric: "server RSS / conn",
        ratio,
        limit: `≤ ${SCALE_RSS_LIMIT}`,
        pass: ratio <= SCALE_RSS_LIMIT,
      },
    }),
  };
}
