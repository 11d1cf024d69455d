// Shared server-side harness: answers the orchestrator's IPC requests with the server's own
// CPU time, message count and memory, so per-message CPU is measured inside the server.
import { performance } from "node:perf_hooks";

/** High-resolution wall clock comparable across processes on one machine. */
export function now() {
  return performance.timeOrigin + performance.now();
}

/**
 * Connects a server to the orchestrator.
 * @param {object} server - `{ port, broadcast(text): number | Promise<number> }`
 * @param {{ handled: number }} counter - incremented by the server for every echoed message
 */
export function harness(server, counter) {
  process.on("message", async (msg) => {
    const reply = (body) => process.send({ id: msg.id, ...body });
    switch (msg.cmd) {
      case "mark":
        reply({
          cpu: process.cpuUsage(),
          handled: counter.handled,
          rss: process.memoryUsage.rss(),
          // The redis shape: commands sent to Redis so far (round trips).
          redis: server.redisCommands?.(),
        });
        break;
      case "gc":
        // Two passes: the first may only schedule finalisers.
        for (let i = 0; i < 3; i++) {
          // Node with --expose-gc; Bun has Bun.gc(true) (synchronous, full).
          if (globalThis.gc !== undefined) globalThis.gc();
          else globalThis.Bun?.gc(true);
          await new Promise((r) => setTimeout(r, 50));
        }
        reply({ rss: process.memoryUsage.rss(), heap: process.memoryUsage().heapUsed });
        break;
      case "broadcast": {
        const sent = await server.broadcast(String(now()));
        reply({ sent });
        break;
      }
      case "snapshot":
        // Diagnostics only (bench/heap-summary.js): where the per-connection memory goes.
        reply({ file: (await import("node:v8")).writeHeapSnapshot(msg.file) });
        break;
      case "exit":
        process.exit(0);
    }
  });
  process.on("disconnect", () => process.exit(0));
  process.send({ type: "ready", port: server.port, stack: server.stack ?? null });
}
