import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { skipWithoutBuild } from "../helpers/dist-built.js";

// examples/observability: the server starts with one command (port 0 here), a scripted
// conversation (examples/observability/conversation.js) plays against it, and its Prometheus
// endpoint then shows botwire's metrics with the conversation's routes, errors and streams.

const SERVER = fileURLToPath(new URL("../../examples/observability/server.js", import.meta.url));
const CONVERSATION = fileURLToPath(
  new URL("../../examples/observability/conversation.js", import.meta.url),
);
const skip = skipWithoutBuild("observability example test", [
  "index.js",
  "ws.js",
  "otel.js",
  "inspect.js",
  "client.node.js",
]);

let child: ChildProcess;
let chat: string;
let metricsUrl: string;
let inspectUrl: string;

beforeAll(async () => {
  if (skip) return;
  child = spawn(process.execPath, [SERVER], {
    env: {
      ...process.env,
      PORT: "0",
      HOST: "127.0.0.1",
      INSPECT_TOKEN: "example-inspect-token-42",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  [chat, metricsUrl, inspectUrl] = await new Promise<[string, string, string]>(
    (resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`example did not start: ${output}`)), 30_000);
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        const found = /(ws:\/\/\S+) metrics: (http:\/\/\S+)\ninspector: (http:\/\/\S+)#/.exec(
          output,
        );
        if (found?.[1] === undefined || found[2] === undefined || found[3] === undefined) return;
        clearTimeout(timer);
        resolve([found[1], found[2], found[3]]);
      };
      child.stdout?.on("data", read);
      child.stderr?.on("data", read);
      child.once("exit", (code) => reject(new Error(`example exited (${code}): ${output}`)));
    },
  );
}, 40_000);

afterAll(async () => {
  if (child === undefined || child.exitCode !== null) return;
  child.kill("SIGTERM");
  await once(child, "exit");
});

describe.skipIf(skip)("examples/observability", () => {
  it("after a scripted conversation its Prometheus endpoint shows the metrics", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [CONVERSATION, chat], {
      timeout: 60_000,
    });
    expect(stdout).toContain("Welcome, Ada!");
    expect(stdout).toContain("9am to 5pm");
    expect(stdout).toContain("conversation done: 36 replies");
    const response = await fetch(metricsUrl);
    expect(response.status).toBe(200);
    const text = await response.text();
    const value = (series: string) => {
      const line = text.split("\n").find((l) => l.startsWith(series));
      return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
    };
    // 36 scripted messages, and 3 that BotClient re-sent after their `rate_limited` refusal.
    expect(value("botwire_messages_received_total")).toBe(39);
    expect(value("botwire_connections_open")).toBe(0);
    expect(value('botwire_connections_closed_total{botwire_close_code="1000"')).toBe(3);
    for (const route of ["command:count", "dialog:signup#1", "intent:hours", "on:message"]) {
      expect(text).toContain(`botwire_handler_duration_count{botwire_route="${route}"`);
    }
    expect(text).toMatch(/botwire_errors_total\{error_type="internal".*\} 3/);
    expect(value('botwire_rate_limit_refusals_total{botwire_limit_scope="bot"')).toBe(3);
    expect(value('botwire_streams_total{botwire_stream_end="done"')).toBe(3);
    expect(text).toContain("botwire_stream_time_to_first_delta_bucket");
    expect(text).toContain("botwire_outbox_depth");
    // Bounded: no session, user or connection ids among the labels.
    expect(text).not.toMatch(/session_id|user_id|connection_id/);

    // The inspector saw the failing handler; its data needs the token.
    expect((await fetch(`${inspectUrl}api/snapshot`)).status).toBe(401);
    const snapshot = await fetch(`${inspectUrl}api/snapshot`, {
      headers: { authorization: "Bearer example-inspect-token-42" },
    });
    const { nodes } = (await snapshot.json()) as {
      nodes: Array<{ connections: number; errors: Array<{ route: string; message: string }> }>;
    };
    expect(nodes).toHaveLength(1);
    expect(nodes[0]?.connections).toBe(0);
    const failures = nodes[0]?.errors.filter((e) => e.route === "command:boom") ?? [];
    expect(failures.map((e) => e.message)).toEqual(Array(3).fill("this handler fails on purpose"));
  }, 90_000);
});
