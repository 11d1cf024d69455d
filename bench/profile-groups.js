// Groups a server's V8 .cpuprofile (from `BENCH_PROFILE=<target> node bench/run.js --only
// c100d1`) by where its samples fall — system calls and Node's streams, the server's own
// JavaScript, ws framing, the event loop, GC — and scales each share to the CPU per message
// the run measured, so the profiles of two servers can be set side by side
// (docs/benchmarks.md, "What stands in the way").
// Usage: node bench/profile-groups.js <file.cpuprofile[.gz]> <server CPU µs/msg> [top=0]
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";

const [file, cpuArg, topArg] = process.argv.slice(2);
if (!file || !cpuArg) {
  console.error("usage: node bench/profile-groups.js <file.cpuprofile> <cpu µs/msg> [top]");
  process.exit(2);
}
const cpuUs = Number(cpuArg);
const raw = readFileSync(file);
const profile = JSON.parse((file.endsWith(".gz") ? gunzipSync(raw) : raw).toString("utf8"));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parentOf = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);

const OWN = ["/dist/", "/bench/servers/", "node_modules/lru-cache", "node_modules/valibot"];
/** The group of a sample's leaf frame; native frames take the group of their JS caller. */
function group(node) {
  const name = node.callFrame.functionName;
  if (name === "(idle)") return undefined;
  if (name === "(garbage collector)") return "garbage collection";
  if (name === "(program)") return "event loop, timers, (program)";
  let caller = node;
  while (caller !== undefined && caller.callFrame.url === "") {
    caller = byId.get(parentOf.get(caller.id));
  }
  const where = caller?.callFrame.url ?? "";
  if (where.includes("node_modules/ws/")) return "ws framing and buffers";
  if (OWN.some((part) => where.includes(part))) return "the server's own JavaScript";
  if (/timers|task_queues|process\//.test(where) || name === "runMicrotasks") {
    return "event loop, timers, (program)";
  }
  return "socket I/O: system calls, Node streams";
}

const groups = new Map();
const leaves = new Map();
let total = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const node = byId.get(profile.samples[i]);
  const g = group(node);
  if (g === undefined) continue;
  const dt = profile.timeDeltas[i];
  total += dt;
  groups.set(g, (groups.get(g) ?? 0) + dt);
  const { functionName, url, lineNumber } = node.callFrame;
  const leaf = `${functionName || "(anonymous)"} ${url.replace(/^.*\/(node_modules|dist|bench)\//, "$1/")}:${lineNumber + 1}`;
  leaves.set(leaf, (leaves.get(leaf) ?? 0) + dt);
}
const row = (share) =>
  `${((100 * share) / total).toFixed(1).padStart(5)} %  ${((cpuUs * share) / total).toFixed(2).padStart(6)} µs/msg`;
for (const [g, share] of [...groups].sort((a, b) => b[1] - a[1]))
  console.log(`${row(share)}  ${g}`);
const top = Number(topArg ?? 0);
if (top > 0) {
  console.log("\nself time, busiest frames:");
  for (const [leaf, share] of [...leaves].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${row(share)}  ${leaf}`);
  }
}
