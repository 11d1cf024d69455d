import { type ChildProcess, spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { ROOT } from "../runtimes/helpers.js";
import { bunRuntime } from "../transports/bun/runtime.js";

// examples/bun/server.js, as its comment says to run it (`bun examples/bun/server.js` after
// a build; "botwire" and "botwire/bun" resolve through the package's own name), on port 0,
// answering a BotClient from the built botwire/client.
const { skip, binary } = bunRuntime();

const children = new Set<ChildProcess>();
afterEach(() => {
  for (const child of children) child.kill("SIGKILL");
  children.clear();
});

/** Starts the example; resolves with the URL it prints. */
function startExample(): Promise<string> {
  const child = spawn(binary, ["--no-install", "examples/bun/server.js"], {
    cwd: ROOT,
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL within 60 s:\n${output}`)), 60_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const found = /bun bot: (ws:\/\/\S+)/.exec(output);
      if (found?.[1] === undefined) return;
      clearTimeout(timer);
      resolve(found[1]);
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.once("exit", (code) => reject(new Error(`the example exited (${code}):\n${output}`)));
  });
}

describe.skipIf(skip)("examples/bun/server.js", () => {
  it("runs with one command in Bun and answers a BotClient", { timeout: 90_000 }, async () => {
    const url = await startExample();
    // A URL import: the built client, as an app would use it (Node 20 has no global WebSocket).
    const { BotClient } = (await import(
      new URL("../../dist/client.js", import.meta.url).href
    )) as typeof import("../../src/client/index.js");
    const client = new BotClient(url, { reconnect: false, WebSocket });
    try {
      await client.connect();
      expect((await client.request("/start")).text).toBe(
        "Hi from Bun! I repeat what you say. Try /shout hello.",
      );
      expect((await client.request("hello bun")).text).toBe("echo: hello bun");
    } finally {
      client.close();
    }
  });
});
