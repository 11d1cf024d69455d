import { readFile } from "node:fs/promises";
import { expect, it } from "vitest";
import { MetricName } from "../../src/otel/names.js";

/** The Prometheus names of botwire's metrics (the exporter's dots become underscores). */
const exported = Object.values(MetricName).map((name) => name.replaceAll(".", "_"));

it("the Grafana dashboard queries only metrics botwire emits, and shows every one", async () => {
  const url = new URL("../../examples/observability/dashboard.json", import.meta.url);
  const dashboard = JSON.parse(await readFile(url, "utf8")) as {
    __inputs: Array<{ name: string }>;
    panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
  };
  expect(dashboard.__inputs.map((i) => i.name)).toEqual(["DS_PROMETHEUS"]);
  const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));
  // Metric names are what rate() and sum() take; labels (botwire_route, …) are not.
  const used = new Set(
    exprs.flatMap((e) =>
      [...e.matchAll(/(?:rate|sum)\((botwire_[a-z_]+)/g)].map((m) => m[1] ?? ""),
    ),
  );
  const base = (name: string) => name.replace(/_(total|bucket|count|sum)$/, "");
  for (const name of used) expect(exported).toContain(base(name));
  for (const name of exported) expect([...used].map(base)).toContain(name);
});
