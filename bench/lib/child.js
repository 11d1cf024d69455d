// Spawns a bench process (server or load generator) with an IPC channel and a raised
// open-file limit, and gives request/response calls over IPC.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * Starts `script` (a path relative to bench/) as a child with IPC. The shell raises the
 * soft `ulimit -n` to the hard limit first: 10 000 connections need 10 000+ descriptors.
 * @param {string} script
 * @param {string[]} nodeArgs - extra flags for the runtime, e.g. `--expose-gc`, `--cpu-prof`
 * @param {string} binary - the runtime: Node (this one) by default, or e.g. the bun binary
 */
export async function start(script, nodeArgs = [], binary = process.execPath) {
  const file = fileURLToPath(new URL(`../${script}`, import.meta.url));
  const quoted = [binary, ...nodeArgs, file]
    .map((a) => `'${a.replaceAll("'", "'\\''")}'`)
    .join(" ");
  const child = spawn("bash", ["-c", `ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec ${quoted}`], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const pending = new Map();
  let nextId = 0;
  let ready;
  const readyPromise = new Promise((resolve, reject) => {
    ready = resolve;
    child.once("exit", (code) => reject(new Error(`${script} exited early (${code})`)));
  });
  child.on("message", (msg) => {
    if (msg.type === "ready") return ready(msg);
    pending.get(msg.id)?.(msg);
    pending.delete(msg.id);
  });
  child.on("exit", () => {
    for (const resolve of pending.values()) resolve({ error: "exited" });
    pending.clear();
  });
  const info = await readyPromise;
  return {
    info,
    pid: child.pid,
    call(cmd, args = {}) {
      const id = ++nextId;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        child.send({ id, cmd, ...args });
      });
    },
    stop() {
      return new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
        child.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
        // A normal exit (on IPC disconnect) lets --cpu-prof write its profile.
        if (child.connected) child.disconnect();
        else child.kill("SIGKILL");
      });
    },
  };
}
