// What the bench ran on, for the report.
import { readFileSync } from "node:fs";
import { cpus } from "node:os";

/** nproc, CPU model, Node version and load at the start. */
export function machine() {
  let model = cpus()[0]?.model ?? "unknown";
  try {
    const line = readFileSync("/proc/cpuinfo", "utf8")
      .split("\n")
      .find((l) => l.startsWith("model name"));
    if (line) model = line.split(":")[1].trim();
  } catch {
    // Not Linux: os.cpus() is good enough.
  }
  let load = "";
  try {
    load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  } catch {}
  return {
    nproc: cpus().length,
    cpu: model,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAtStart: load,
  };
}
