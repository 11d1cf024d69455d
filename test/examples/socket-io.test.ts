import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { skipWithoutBuild } from "../helpers/dist-built.js";
import { until as waitUntil } from "../helpers/until.js";

// examples/socket.io: the server starts with one command (on port 0 here), answers a plain
// socket.io-client app through the event contract and BotClient through the adapter
// (examples/socket.io/client.js), keeps the app's own namespace working, refuses a foreign
// origin, and detaches the bot with 1001 on SIGTERM.

const SERVER = fileURLToPath(new URL("../../examples/socket.io/server.js", import.meta.url));
const CLIENT = fileURLToPath(new URL("../../examples/socket.io/client.js", import.meta.url));
const skip = skipWithoutBuild("socket.io example test", ["index.js", "socket.io.js", "client.js"]);

let child: ChildProcess;
let base: string;
const sockets: Socket[] = [];

/** Waits for `check` (10 s at most: Socket.IO reconnects take their time). */
const until = (check: () => boolean, what: string) => waitUntil(check, what, 10_000);

function connect(path: string, options: Parameters<typeof io>[1] = {}): Socket {
  const socket = io(`${base}${path}`, {
    transports: ["websocket"],
    reconnection: false,
    ...options,
  });
  sockets.push(socket);
  return socket;
}

beforeAll(async () => {
  if (skip) return;
  child = spawn(process.execPath, [SERVER], {
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`example did not start: ${output}`)), 30_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const found = /socket\.io bot: (http:\/\/\S+?)\/?\s/.exec(output);
      if (found?.[1] === undefined) return;
      clearTimeout(timer);
      resolve(found[1]);
    };
    child.stdout?.on("data", read);
    child.stderr?.on("data", read);
    child.once("exit", (code) => reject(new Error(`example exited (${code}): ${output}`)));
  });
});

afterAll(() => {
  for (const socket of sockets) socket.disconnect();
  if (child?.exitCode === null) child.kill("SIGKILL");
});

describe.skipIf(skip)("examples/socket.io", () => {
  it("answers a socket.io-client app through the event contract, with its user", async () => {
    const bot = connect("/bot", { auth: { name: "Ada" } });
    const frames: Array<{ type: string; text?: string; replyTo?: string }> = [];
    bot.on("botwire", (raw: string) => frames.push(JSON.parse(raw)));
    bot.on("connect", () => {
      bot.emit("botwire", JSON.stringify({ type: "hello" }));
      bot.emit("botwire", JSON.stringify({ type: "message", id: "m1", text: "/start" }));
    });
    await until(() => frames.some((f) => f.replyTo === "m1"), "the answer");
    expect(frames.find((f) => f.replyTo === "m1")?.text).toBe("Hi Ada! I repeat what you say.");
  });

  it("answers BotClient over socket.io-client (examples/socket.io/client.js)", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [CLIENT, base, "Grace"], {
      timeout: 30_000,
    });
    expect(stdout).toBe(
      "> /start\nHi Grace! I repeat what you say.\n> /shout hello\nHELLO\n> how are you?\necho: how are you?\n",
    );
  });

  it("keeps the app's own namespace working beside the bot", async () => {
    const app = connect("/");
    const time = (await app.timeout(10_000).emitWithAck("time")) as string;
    expect(Number.isNaN(Date.parse(time))).toBe(false);
  });

  it("refuses a page of another origin (allowRequest)", async () => {
    const foreign = connect("/bot", { extraHeaders: { origin: "https://evil.example" } });
    const error = await new Promise<Error>((resolve) => foreign.once("connect_error", resolve));
    expect(error).toBeInstanceOf(Error);
    expect(foreign.connected).toBe(false);
  });

  it("detaches the bot on SIGTERM: the client gets 1001 and the process exits", async () => {
    const bot = connect("/bot");
    const closes: number[] = [];
    bot.on("botwire:close", ({ code }: { code: number }) => closes.push(code));
    await new Promise<void>((resolve) => bot.once("connect", () => resolve()));
    bot.emit("botwire", JSON.stringify({ type: "hello" }));
    await new Promise<void>((resolve) => bot.once("botwire", () => resolve()));
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    await until(() => closes.length === 1, "the close event");
    expect(closes).toEqual([1001]);
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
  });
});
