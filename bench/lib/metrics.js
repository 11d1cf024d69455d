// The metrics each shape reports, their units, and the targets from issue 7 (ratios to raw ws);
// the stream shapes' chars/s target is the streamed-replies brief's (≥ 0.8× raw ws).

/** @typedef {{ key: string, label: string, unit: string, digits: number, better: "higher" | "lower", limit?: number, chart?: false }} Metric */

/** @type {Record<string, Metric[]>} */
export const METRICS = {
  throughput: [
    { key: "rate", label: "throughput", unit: "msg/s", digits: 0, better: "higher", limit: 0.8 },
    { key: "cpuUs", label: "server CPU / msg", unit: "µs", digits: 1, better: "lower", limit: 1.3 },
    { key: "p50", label: "latency p50", unit: "ms", digits: 2, better: "lower" },
    { key: "p99", label: "latency p99", unit: "ms", digits: 2, better: "lower", limit: 1.3 },
  ],
  idle: [
    {
      key: "rssKiB",
      label: "server RSS / conn",
      unit: "KiB",
      digits: 1,
      better: "lower",
      limit: 1.5,
    },
    { key: "heapKiB", label: "server heap / conn", unit: "KiB", digits: 1, better: "lower" },
    { key: "connectMs", label: "time to connect all", unit: "ms", digits: 0, better: "lower" },
  ],
  stream: [
    {
      key: "rate",
      label: "delivered chars/s",
      unit: "chars/s",
      digits: 0,
      better: "higher",
      limit: 0.8,
    },
    // Same frames and text for both: its ratio is the chars/s ratio, so not charted.
    {
      key: "frameRate",
      label: "delta frames/s",
      unit: "frames/s",
      digits: 0,
      better: "higher",
      chart: false,
    },
    { key: "cpuUs", label: "server CPU / delta", unit: "µs", digits: 1, better: "lower" },
    { key: "cpuTokenUs", label: "server CPU / token", unit: "µs", digits: 2, better: "lower" },
    {
      key: "framesPerStream",
      label: "deltas / stream",
      unit: "frames",
      digits: 1,
      better: "lower",
      chart: false,
    },
    { key: "firstMs", label: "first delta p50", unit: "ms", digits: 1, better: "lower" },
  ],
  broadcast: [
    { key: "allMs", label: "time until all got it", unit: "ms", digits: 1, better: "lower" },
    { key: "p50", label: "delivery p50", unit: "ms", digits: 1, better: "lower" },
    { key: "cpuUs", label: "server CPU / delivery", unit: "µs", digits: 2, better: "lower" },
  ],
};

/** Whether a ratio to raw ws meets a metric's limit (true when the metric has none). */
export function meets(metric, ratio) {
  if (metric.limit === undefined || !Number.isFinite(ratio)) return true;
  return metric.better === "higher" ? ratio >= metric.limit : ratio <= metric.limit;
}
