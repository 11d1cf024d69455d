// Console table, target checks and medians for the results.

import { METRICS, meets } from "./metrics.js";
import { median } from "./stats.js";

/** Adds `median` per target and `ratio` to raw ws per metric to each shape. */
export function summarise(shape, targets) {
  shape.median = {};
  for (const t of targets) {
    const rounds = shape.rounds[t] ?? [];
    shape.median[t] = {};
    for (const m of METRICS[shape.kind])
      shape.median[t][m.key] = median(rounds.map((r) => r[m.key]));
  }
  shape.ratio = {};
  for (const t of targets) {
    shape.ratio[t] = {};
    for (const m of METRICS[shape.kind]) {
      shape.ratio[t][m.key] = shape.median[t][m.key] / (shape.median.ws?.[m.key] ?? Number.NaN);
    }
  }
  return shape;
}

/** The target checks for botwire across all shapes. */
export function checks(shapes) {
  const out = [];
  for (const shape of shapes) {
    for (const m of METRICS[shape.kind]) {
      if (m.limit === undefined || shape.ratio?.botwire === undefined) continue;
      const ratio = shape.ratio.botwire[m.key];
      const limit = `${m.better === "higher" ? "≥" : "≤"} ${m.limit}`;
      out.push({ shape: shape.name, metric: m.label, ratio, limit, pass: meets(m, ratio) });
    }
  }
  return out;
}

const fmt = (v, d) => (Number.isFinite(v) ? v.toFixed(d) : "—");

/** Prints one shape as a table of medians and ratios to raw ws. */
export function printShape(shape, targets) {
  const rows = [["metric", ...targets, ...targets.slice(1).map((t) => `${t}/ws`), "target"]];
  for (const m of METRICS[shape.kind]) {
    rows.push([
      `${m.label} (${m.unit})`,
      ...targets.map((t) => fmt(shape.median[t][m.key], m.digits)),
      ...targets.slice(1).map((t) => `${fmt(shape.ratio[t][m.key], 2)}×`),
      m.limit === undefined
        ? ""
        : `${m.better === "higher" ? "≥" : "≤"}${m.limit} ${meets(m, shape.ratio.botwire?.[m.key]) ? "ok" : "MISS"}`,
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  console.log(`\n${shape.name}  (median of ${shape.roundsDone} rounds)`);
  for (const r of rows)
    console.log(
      `  ${r
        .map((c, i) =>
          String(c)
            .padStart(i ? widths[i] : 0)
            .padEnd(widths[i]),
        )
        .join("  ")}`,
    );
}

/** A markdown table of all shapes (pasted into docs/benchmarks.md). */
export function markdown(shapes, targets) {
  const lines = [
    `| shape | metric | ${targets.join(" | ")} | ${targets
      .slice(1)
      .map((t) => `${t}/ws`)
      .join(" | ")} | target |`,
    `|---|---|${targets.map(() => "--:").join("|")}|${targets
      .slice(1)
      .map(() => "--:")
      .join("|")}|---|`,
  ];
  for (const shape of shapes) {
    for (const m of METRICS[shape.kind]) {
      const target =
        m.limit === undefined
          ? ""
          : `${m.better === "higher" ? "≥" : "≤"} ${m.limit} ${meets(m, shape.ratio.botwire?.[m.key]) ? "✅" : "❌"}`;
      lines.push(
        `| ${shape.name} | ${m.label} (${m.unit}) | ${targets.map((t) => fmt(shape.median[t][m.key], m.digits)).join(" | ")} | ${targets
          .slice(1)
          .map((t) => `${fmt(shape.ratio[t][m.key], 2)}×`)
          .join(" | ")} | ${target} |`,
      );
    }
  }
  return lines.join("\n");
}
