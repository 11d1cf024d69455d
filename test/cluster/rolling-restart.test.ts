import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { BotClient } from "../../src/client/node.js";
import { startBalancer } from "../helpers/balancer.js";
import { skipWithoutBuild } from "../helpers/dist-built.js";
import { skipWithoutRedis } from "../helpers/redis-available.js";
import { until } from "../helpers/until.js";

// A deploy restarts every node: three node processes (examples/cluster/node.js, sharing
// Redis) behind a round-robin balancer, 2,000 BotClients, a steady stream of numbered
// messages, and each node in turn replaced — a new process joins the balancer, the old one
// leaves it and gets SIGTERM, which drains it (goaway spread over DRAIN_MS) before it exits.
// Nothing may be lost or handled twice, and the clients of a draining node must come back
// spread over its window, not in one stampede.
const skip =
  skipWithoutBuild("rolling restart test", ["index.js", "redis.js", "ws.js"]) ||
  (await skipWithoutRedis("rolling restart test"));
const NODE_SCRIPT = fileURLToPath(new URL("../../examples/cluster/node.js", import.meta.url));
const prefix = `test-rolling:${Date.now().toString(36)}:`;
const CLIENTS = 2000;
const DRAIN_MS = 3000;

interface Node {
  child: ChildProcess;
  port: number;
  exited: Promise<number | null>;
}

function startNode(name: string): Promise<Node> {
  const child = fork(NODE_SCRIPT, [], {
    env: {
      ...process.env,
      PORT: "0",
      PREFIX: prefix,
      NODE_NAME: name,
      DRAIN_MS: String(DRAIN_MS),
      LOAD_TEST: "1",
    },
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`${name} exited with ${code}`)));
    child.on("message", (message: { type: string; port?: number }) => {
      if (message.type === "ready") resolve({ child, port: message.port as number, exited });
    });
  });
}

const nodes: Node[] = [];
const clients: BotClient[] = [];

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  for (const node of nodes) node.child.kill("SIGKILL");
  const redis = new Redis({ host: "127.0.0.1", port: 6379 });
  const keys = await redis.keys(`${prefix}*`);
  for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
  redis.disconnect();
});

describe.skipIf(skip)("a rolling restart of every node under 2,000 connections", () => {
  it("loses no message, handles none twice, and spreads each node's reconnects over its window", async () => {
    for (const name of ["a1", "a2", "a3"]) nodes.push(await startNode(name));
    // The balancer reads this array on every connection: nodes join and leave it.
    const backends = nodes.map((n) => n.port);
    const balancer = await startBalancer(backends);

    // Moves, per drain: the delay each told client chose (its goaway event) and when it
    // reopened on another node, both in ms since its node began draining.
    let drainStarted = 0;
    const moves: Array<Array<{ delay: number; at: number }>> = [];
    const answers = new Map<string, Set<number>>();
    for (let i = 0; i < CLIENTS; i++) {
      const client = new BotClient(`ws://127.0.0.1:${balancer.port}`, {
        reconnect: { initialDelayMs: 100, maxDelayMs: 1000 },
        requestTimeoutMs: 60_000,
      });
      client.on("error", () => {});
      // The drain that told this client to go, when it started, and the delay chosen.
      let told: { times: (typeof moves)[number]; since: number; delay: number } | undefined;
      client.on("goaway", ({ reconnectAfterMs }) => {
        const times = moves.at(-1);
        if (times !== undefined) told = { times, since: drainStarted, delay: reconnectAfterMs };
      });
      client.on("open", () => {
        told?.times.push({ delay: told.delay, at: Date.now() - told.since });
        told = undefined;
      });
      client.on("message", (m) => {
        if (m.replyTo === undefined) return;
        const seqs = answers.get(m.replyTo) ?? new Set<number>();
        seqs.add(m.seq);
        answers.set(m.replyTo, seqs);
      });
      clients.push(client);
    }
    for (let i = 0; i < CLIENTS; i += 200) {
      await Promise.all(clients.slice(i, i + 200).map((c) => c.connect()));
    }

    // A steady stream: every 20 ms, 8 clients send a message (≈ 400 messages/s).
    const sent: string[] = [];
    let sending = true;
    let turn = 0;
    const stream = (async () => {
      while (sending) {
        for (let k = 0; k < 8; k++) {
          const client = clients[(turn * 8 + k) % CLIENTS] as BotClient;
          sent.push(client.send(`m${turn}.${k}`));
        }
        turn++;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    for (let i = 0; i < 3; i++) {
      const old = nodes[i] as Node;
      const fresh = await startNode(`b${i + 1}`);
      nodes.push(fresh);
      backends.push(fresh.port);
      backends.splice(backends.indexOf(old.port), 1);
      moves.push([]);
      drainStarted = Date.now();
      old.child.kill("SIGTERM");
      expect(await old.exited).toBe(0);
    }
    sending = false;
    await stream;

    await until(
      () => clients.every((c) => c.state === "open" && c.unconfirmed === 0),
      "every client open with every message confirmed",
      60_000,
    );
    // Every message answered, none by two handlings (two different seqs).
    expect(sent.length).toBeGreaterThan(1000);
    expect(sent.filter((id) => answers.get(id)?.size !== 1)).toEqual([]);

    // Each drain moved its node's clients and spread them: the delays cover the window
    // evenly (a stampede gives them all one moment), and no client came back before its
    // delay (the client honours the hint). Both hold however slow the machine is: load only
    // makes reconnects later.
    const window = DRAIN_MS * 0.8 * 1.1;
    for (const times of moves) {
      expect(times.length).toBeGreaterThan(CLIENTS / 6);
      const perSlice = new Array<number>(10).fill(0);
      for (const { delay } of times) {
        const slice = Math.min(9, Math.floor((delay / window) * 10));
        perSlice[slice] = (perSlice[slice] ?? 0) + 1;
      }
      expect(perSlice.filter((n) => n > 0).length).toBeGreaterThanOrEqual(8);
      expect(Math.max(...perSlice)).toBeLessThan(times.length / 4);
      expect(times.filter(({ delay, at }) => at < delay - 5)).toEqual([]);
    }
    await balancer.close();
  }, 180_000);
});
