import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { checkRuntime, fixture, nodeTranscript, type Transcript } from "./helpers.js";

// botwire (core) and botwire/testing, built, in Cloudflare's workerd (the binary from
// @cloudflare/workerd-*, driven with a capnp config). fixtures/worker.js is bundled with
// esbuild; the bot is built in the worker's global scope, where workerd forbids random values
// and timers, and a request plays the conversation and answers it as JSON.
const { skip, binary } = checkRuntime("workerd");

// Port 0: workerd picks a free port and reports it on the control descriptor (fd 3).
const CONFIG = `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);

const worker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "2025-06-01",
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
    // "close": after its output is all read, so the error it printed is in the message.
    child.on("close", (code) => {
      clearTimeout(timer);
      reject(new Error(`workerd exited (${code}):\n${log()}`));
    });
  });
}

async function runWorker(): Promise<Transcript> {
  const dir = await mkdtemp(join(tmpdir(), "botwire-workerd-"));
  let child: ChildProcess | undefined;
  try {
    // platform "browser": a node: import in the core would fail the bundle.
    await build({
      entryPoints: [fixture("worker.js")],
      outfile: join(dir, "worker.js"),
      bundle: true,
      format: "esm",
      platform: "browser",
      conditions: ["workerd", "worker"],
      logLevel: "silent",
    });
    await writeFile(join(dir, "config.capnp"), CONFIG);
    child = spawn(binary, ["serve", "config.capnp", "--control-fd=3"], {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe", "pipe"],
    });
    let output = "";
    child.stdout?.on("data", (chunk) => (output += chunk));
    child.stderr?.on("data", (chunk) => (output += chunk));
    const port = await listen(child, () => output);
    const response = await fetch(`http://127.0.0.1:${port}/`);
    const body = await response.text();
    if (!response.ok) throw new Error(`worker answered ${response.status}:\n${body}\n${output}`);
    return JSON.parse(body) as Transcript;
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once("exit", resolve));
      child.kill();
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  }
}

describe.skipIf(skip)("the built package in workerd", () => {
  it("builds the bot at the top level and plays the conversation exactly as Node does", {
    timeout: 180_000,
  }, async () => {
    expect(await runWorker()).toEqual(await nodeTranscript());
  });
});
