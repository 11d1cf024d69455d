// Summarises a V8 .cpuprofile (from `BENCH_PROFILE=botwire npm run bench`): self time per
// function, the top entries, so the hot path can be read without DevTools.
// Usage: node bench/profile-summary.js bench/results/profiles/<file>.cpuprofile [top=25]
import { readFileSync } from "node:fs";

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error("usage: node bench/profile-summary.js <file.cpuprofile> [top]");
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, "utf8"));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = profile.timeDeltas;
for (let i = 0; i < profile.samples.length; i++) {
  const node = byId.get(profile.samples[i]);
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url
    ? `${url.replace(/^.*\/(node_modules|dist|bench)\//, "$1/")}:${lineNumber + 1}`
    : "";
  const key = `${functionName || "(anonymous)"} ${where}`;
  self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0));
}
// Inclusive time: a sample counts once for every distinct function on its stack.
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const inclusive = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const seen = new Set();
  for (let id = profile.samples[i]; id !== undefined; id = parent.get(id)) {
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    const where = url
      ? `${url.replace(/^.*\/(node_modules|dist|bench)\//, "$1/")}:${lineNumber + 1}`
      : "";
    seen.add(`${functionName || "(anonymous)"} ${where}`);
  }
  for (const key of seen) inclusive.set(key, (inclusive.get(key) ?? 0) + (dt[i] ?? 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 25));
console.log(`total ${(total / 1000).toFixed(0)} ms sampled`);
console.log("self time:");
for (const [key, us] of top) {
  console.log(`${((us / total) * 100).toFixed(1).padStart(5)}%  ${key}`);
}
console.log("inclusive time (function and everything it called):");
const topInclusive = [...inclusive.entries()]
  .sort((a, b) => b[1] - a[1])
  .slice(0, Number(topArg ?? 25));
for (const [key, us] of topInclusive) {
  console.log(`${((us / total) * 100).toFixed(1).padStart(5)}%  ${key}`);
}
