// Compares two V8 heap snapshots (before/after opening N idle connections) and prints which
// object kinds grew, per connection: the evidence behind docs/benchmarks.md's memory notes.
// Usage: node bench/heap-summary.js before.heapsnapshot after.heapsnapshot N [top=25]
import { readFileSync } from "node:fs";

function totals(file) {
  const snap = JSON.parse(readFileSync(file, "utf8"));
  const { node_fields: fields, node_types: types } = snap.snapshot.meta;
  const width = fields.length;
  const iType = fields.indexOf("type");
  const iName = fields.indexOf("name");
  const iSize = fields.indexOf("self_size");
  const out = new Map();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[0][snap.nodes[i + iType]];
    let name = snap.strings[snap.nodes[i + iName]];
    if (type === "string" || type === "concatenated string" || type === "sliced string")
      name = "(string)";
    if (type === "code" || type === "hidden") name = `(${type})`;
    if (name.length > 60) name = `${name.slice(0, 57)}...`;
    const key = `${type}:${name}`;
    const t = out.get(key) ?? { count: 0, size: 0 };
    t.count++;
    t.size += snap.nodes[i + iSize];
    out.set(key, t);
  }
  return out;
}

const [a, b, n, top] = process.argv.slice(2);
const before = totals(a);
const after = totals(b);
const rows = [];
let total = 0;
for (const [key, t] of after) {
  const s = before.get(key) ?? { count: 0, size: 0 };
  const size = t.size - s.size;
  total += size;
  rows.push({ key, count: (t.count - s.count) / Number(n), bytes: size / Number(n) });
}
rows.sort((x, y) => y.bytes - x.bytes);
console.log(`heap growth per connection: ${(total / Number(n)).toFixed(0)} bytes`);
for (const r of rows.slice(0, Number(top ?? 25))) {
  console.log(`${r.bytes.toFixed(0).padStart(6)} B  ${r.count.toFixed(2).padStart(5)}×  ${r.key}`);
}
