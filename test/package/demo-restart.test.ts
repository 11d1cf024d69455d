import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { BotClient, type BotMessage } from "../../src/client/node.js";
import { skipWithoutBuild } from "../helpers/dist-built.js";
import { redisAvailable } from "../helpers/redis-available.js";

// What the README says about stopping and restarting the demo (`npm start`), played with real
// processes: SIGTERM/SIGINT close every connection with 1001 and exit 0; with REDIS_URL a new
// process carries the conversation on (same session, no lost or repeated message); without
// it the page is told the server forgot its session and starts a new one.

const SERVER = fileURLToPath(new URL("../../examples/demo/server.js", import.meta.url));
const skip = skipWithoutBuild("demo restart test", ["index.js", "ws.js", "redis.js"]);
const hasRedis = !skip && (await redisAvailable());
if (!skip && !hasRedis) {
  if (process.env.CI === "true") throw new Error("demo restart test: Redis is required in CI");
  console.warn("\n⚠ SKIPPED the demo's Redis restart test: no Redis on 127.0.0.1:6379\n");
}
const prefix = `demo-restart:${Date.now().toString(36)}:`;
const running = new Set<ChildProcess>();
const clients = new Set<BotClient>();

/** Starts `node examples/demo/server.js`; resolves once it printed its URL. */
async function startDemo(port: number, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [SERVER], {
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  child.once("exit", () => running.delete(child));
  let output = "";
  const url = await new Promise<URL>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo did not start: ${output}`)), 30_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const found = /botwire demo chat: (\S+)/.exec(output);
      if (found?.[1] === undefined) return;
      clearTimeout(timer);
      resolve(new URL(found[1]));
    };
    child.stdout?.on("data", read);
    child.stderr?.on("data", read);
    child.once("exit", (code) => reject(new Error(`demo exited (${code}): ${output}`)));
  });
  return { child, port: Number(url.port), chat: `ws://127.0.0.1:${url.port}/chat` };
}

/** Sends a signal and resolves with the exit code. */
async function stopWith(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  const exited = once(child, "exit") as Promise<[number | null]>;
  child.kill(signal);
  const [code] = await exited;
  return code;
}

/** A client that reconnects quickly and records what it sees. */
function client(url: string) {
  const bot = new BotClient(url, { reconnect: { initialDelayMs: 100, maxDelayMs: 500 } });
  clients.add(bot);
  const messages: BotMessage[] = [];
  const opens: boolean[] = [];
  const closes: number[] = [];
  bot.on("message", (m) => void messages.push(m));
  bot.on("open", ({ resumed }) => void opens.push(resumed));
  bot.on("close", ({ code }) => void closes.push(code));
  bot.on("error", () => {});
  return { bot, messages, opens, closes };
}

afterEach(async () => {
  for (const c of clients) c.close();
  clients.clear();
  for (const child of running) child.kill("SIGKILL");
});

afterAll(async () => {
  if (!hasRedis) return;
  const admin = new Redis({ host: "127.0.0.1", port: 6379 });
  const keys = await admin.keys(`${prefix}*`);
  if (keys.length > 0) await admin.del(...keys);
  await admin.quit();
});

describe.skipIf(skip)("the demo across a real process restart", () => {
  it.skipIf(!hasRedis)(
    "with REDIS_URL: SIGTERM exits 0, and a new process resumes the conversation",
    { timeout: 90_000 },
    async () => {
      const env = { REDIS_URL: "redis://127.0.0.1:6379", REDIS_PREFIX: prefix };
      const first = await startDemo(0, env);
      const { bot, messages, opens, closes } = client(first.chat);
      await bot.connect();
      await expect.poll(() => messages.length, { timeout: 10_000 }).toBeGreaterThan(0);
      expect((await bot.request("my name is Ada")).text).toMatch(/Nice to meet you, Ada/);

      expect(await stopWith(first.child, "SIGTERM")).toBe(0);
      await expect.poll(() => closes, { timeout: 10_000 }).toContain(1001);
      const second = await startDemo(first.port, env);
      await expect.poll(() => opens.length, { timeout: 30_000 }).toBe(2);
      expect(opens).toEqual([false, true]); // resumed: the same session, from Redis

      expect((await bot.request("what's my name?")).text).toBe("You're Ada.");
      const seqs = messages.map((m) => m.seq);
      expect(seqs).toEqual(seqs.map((_, i) => (seqs[0] as number) + i)); // none lost or repeated
      await bot.close();
      expect(await stopWith(second.child, "SIGINT")).toBe(0);
    },
  );

  it("in memory: SIGINT exits 0, and a new process starts a new session", {
    timeout: 90_000,
  }, async () => {
    const first = await startDemo(0);
    const { bot, opens, closes } = client(first.chat);
    await bot.connect();
    expect((await bot.request("my name is Ada")).text).toMatch(/Nice to meet you, Ada/);

    expect(await stopWith(first.child, "SIGINT")).toBe(0);
    await expect.poll(() => closes, { timeout: 10_000 }).toContain(1001);
    const second = await startDemo(first.port);
    await expect.poll(() => opens.length, { timeout: 30_000 }).toBe(2);
    expect(opens).toEqual([false, false]); // the new process never knew this session
    expect((await bot.request("what's my name?")).text).toMatch(/I don't know yet/);
    await bot.close();
    expect(await stopWith(second.child, "SIGTERM")).toBe(0);
  });
});
