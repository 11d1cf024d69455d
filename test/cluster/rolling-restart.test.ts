import { afterAll, describe, expect, it } from "vitest";
import { BotClient } from "../../src/client/node.js";
import { startBalancer } from "../helpers/balancer.js";
import { type ClusterNode, startClusterNode } from "../helpers/cluster-node.js";
import { skipWithoutBuild } from "../helpers/dist-built.js";
import { CLUSTER_NODES, clusterFixture, skipWithoutCluster } from "../helpers/redis-cluster.js";
import { until } from "../helpers/until.js";

// A deploy restarts every node: three node processes (examples/cluster/node.js, sharing a
// 3-master Redis Cluster: scripts/redis-cluster.sh) behind a round-robin balancer, 2,000 BotClients, a steady stream of numbered
// messages, and each node in turn replaced — a new process joins the balancer, the old one
// leaves it and gets SIGTERM, which drains it (goaway spread over DRAIN_MS) before it exits.
// Nothing may be lost or handled twice, and the clients of a draining node must come back
// spread over its window, not in one stampede.
const skip =
  skipWithoutBuild("rolling restart test", ["index.js", "redis.js", "ws.js"]) ||
  (await skipWithoutCluster("rolling restart test"));
const prefix = `test-rolling:${Date.now().toString(36)}:`;
const CLIENTS = 2000;
const DRAIN_MS = 3000;

function startNode(name: string): Promise<ClusterNode> {
  return startClusterNode(name, {
    PREFIX: prefix,
    DRAIN_MS: String(DRAIN_MS),
    LOAD_TEST: "1",
    REDIS_CLUSTER_NODES: CLUSTER_NODES.map((n) => `${n.host}:${n.port}`).join(","),
  });
}

const nodes: ClusterNode[] = [];
const clients: BotClient[] = [];

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  for (const node of nodes) node.child.kill("SIGKILL");
  if (!skip) await clusterFixture(prefix).cleanup();
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
      const old = nodes[i] as ClusterNode;
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
