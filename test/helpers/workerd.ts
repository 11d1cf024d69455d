import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { build } from "esbuild";

// workerd (the binary from @cloudflare/workerd-*) serving a bundled worker module, driven by a
// capnp config, on a free port: port 0, workerd reports the port it took on fd 3.

/** A plain worker: no bindings, no Node compatibility (a node: import fails the bundle). */
export const PLAIN_WORKER = `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);

const worker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "2025-06-01",
);
`;

/**
 * A worker with a Durable Object namespace (class `Suite`, binding `SUITE`), Node
 * compatibility (node:net for the suite's clients) and outbound access to 127.0.0.1 only
 * (the clients connect back to the worker's own port).
 */
export const SUITE_WORKER = `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "loopback", network = (allow = ["local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);

const worker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "2025-06-01",
  compatibilityFlags = ["nodejs_compat"],
  durableObjectNamespaces = [(className = "Suite", uniqueKey = "botwire-web-suite")],
  durableObjectStorage = (inMemory = void),
  bindings = [(name = "SUITE", durableObjectNamespace = "Suite")],
  globalOutbound = "loopback",
);
`;

/** Resolves with workerd's HTTP port once it listens; rejects if it exits or takes too long. */
function listen(child: ChildProcess, log: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`workerd did not listen:\n${log()}`)), 120_000);
    createInterface({ input: child.stdio[3] as Readable }).on("line", (line) => {
      const event = JSON.parse(line) as { event?: string; port?: number };
      if (event.event === "listen" && typeof event.port === "number") {
        clearTimeout(timer);
        resolve(event.port);
      }
    });
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      reject(new Error(`workerd exited (${code}):\n${log()}`));
    });
  });
}

/** A running workerd: its port and its output so far. */
export interface Workerd {
  port: number;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Bundles `entry` (platform "browser", workerd conditions) and serves it with workerd.
 * @param config - the capnp config ({@link PLAIN_WORKER} or {@link SUITE_WORKER})
 * @param nodeCompat - leave `node:*` imports to workerd's nodejs_compat (else they fail the bundle)
 */
export async function startWorkerd(
  binary: string,
  entry: string,
  config = SUITE_WORKER,
  nodeCompat = true,
): Promise<Workerd> {
  const dir = await mkdtemp(join(tmpdir(), "botwire-workerd-web-"));
  let child: ChildProcess | undefined;
  const stop = async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once("exit", resolve));
      child.kill();
      // workerd waits for requests in flight before it exits; a hung one must not keep it.
      const timer = setTimeout(() => child?.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await build({
      entryPoints: [entry],
      outfile: join(dir, "worker.js"),
      bundle: true,
      format: "esm",
      platform: "browser",
      conditions: ["workerd", "worker", "browser"],
      // node:net (the suite's clients) comes from workerd's nodejs_compat.
      external: nodeCompat ? ["node:*", "cloudflare:*"] : [],
      logLevel: "silent",
    });
    await writeFile(join(dir, "config.capnp"), config);
    child = spawn(binary, ["serve", "config.capnp", "--control-fd=3"], {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe", "pipe"],
    });
    let output = "";
    child.stdout?.on("data", (chunk) => (output += chunk));
    child.stderr?.on("data", (chunk) => (output += chunk));
    const port = await listen(child, () => output);
    return { port, output: () => output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** GETs `path` from the worker and parses its JSON answer. */
export async function getJson<T>(workerd: Workerd, path: string): Promise<T> {
  const response = await fetch(`http://127.0.0.1:${workerd.port}${path}`);
  const body = await response.text();
  if (!response.ok) {
    throw new Error(`worker answered ${response.status}:\n${body}\n${workerd.output()}`);
  }
  return JSON.parse(body) as T;
}
