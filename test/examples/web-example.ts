import { type ChildProcess, spawn } from "node:child_process";
import { expect } from "vitest";
import { WebSocket } from "ws";
import { ROOT } from "../runtimes/helpers.js";

// Shared by the examples/deno and examples/hono tests: start the example as its comment says,
// on port 0, read the URL it prints, and talk to it with the built BotClient.

/** Starts an example; resolves with the URL it prints (`<label>: ws://…` or `http://…`). */
export function startExample(
  children: Set<ChildProcess>,
  binary: string,
  args: string[],
  label: string,
  env: Record<string, string> = {},
): Promise<string> {
  const child = spawn(binary, args, {
    cwd: ROOT,
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", NO_COLOR: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL within 60 s:\n${output}`)), 60_000);
    const pattern = new RegExp(`${label}: ((?:ws|http)://\\S+)`);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const found = pattern.exec(output);
      if (found?.[1] === undefined) return;
      clearTimeout(timer);
      resolve(found[1]);
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.once("exit", (code) => reject(new Error(`the example exited (${code}):\n${output}`)));
  });
}

/** Talks to the example with the built BotClient: its /start greeting, then an echo. */
export async function expectAnswers(url: string, greeting: string): Promise<void> {
  // A URL import: the built client, as an app would use it (Node 20 has no global WebSocket).
  const { BotClient } = (await import(
    new URL("../../dist/client.js", import.meta.url).href
  )) as typeof import("../../src/client/index.js");
  const client = new BotClient(url, { reconnect: false, WebSocket });
  try {
    await client.connect();
    expect((await client.request("/start")).text).toBe(greeting);
    expect((await client.request("hello web")).text).toBe("echo: hello web");
  } finally {
    client.close();
  }
}
