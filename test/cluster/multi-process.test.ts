import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BotClient, type BotMessage } from "../../src/client/node.js";
import { startBalancer } from "../helpers/balancer.js";
import { type ClusterNode, startClusterNode } from "../helpers/cluster-node.js";
import { skipWithoutBuild } from "../helpers/dist-built.js";
import { skipWithoutRedis } from "../helpers/redis-available.js";
import { until } from "../helpers/until.js";

// These tests run the real example node (examples/cluster/node.js) as child processes against
// real Redis, so they use the built package: `npm test` builds before running vitest. Without
// a build they skip with a message (and fail in CI, where the build must exist).
const skip =
  skipWithoutBuild("multi-process cluster tests", ["index.js", "redis.js", "ws.js"]) ||
  (await skipWithoutRedis("multi-process cluster tests"));
const prefix = `test-cluster:${Date.now().toString(36)}:`;

type Node = ClusterNode;

function startNode(name: string): Promise<Node> {
  return startClusterNode(name, { PREFIX: prefix, CLAIM_LEASE_MS: "500" });
}

const clients: BotClient[] = [];
function client(port: number): BotClient {
  const c = new BotClient(`ws://127.0.0.1:${port}`, {
    reconnect: { initialDelayMs: 50, maxDelayMs: 300 },
    requestTimeoutMs: 15_000,
  });
  c.on("error", () => {});
  clients.push(c);
  return c;
}

describe.skipIf(skip)("a cluster of 3 node processes sharing Redis", () => {
  let nodes: Node[] = [];

  beforeAll(async () => {
    nodes = await Promise.all(["n1", "n2", "n3"].map(startNode));
  }, 30_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    for (const node of nodes) node.child.kill("SIGKILL");
    const redis = new Redis({ host: "127.0.0.1", port: 6379 });
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it("counts a broadcast exactly once at every client, whichever node it is on", async () => {
    const members = nodes.flatMap((node) => [client(node.port), client(node.port)]);
    const outsider = client(nodes[0]?.port as number);
    await Promise.all([...members, outsider].map((c) => c.connect()));
    await Promise.all(members.map((c) => c.request("/join news")));
    await outsider.request("hello");
    const received = new Map<BotClient, BotMessage[]>();
    for (const c of [...members, outsider]) {
      received.set(c, []);
      c.on("message", (m) => {
        if (m.text === "breaking news") received.get(c)?.push(m);
      });
    }
    const result = await nodes[1]?.call({
      type: "broadcast",
      room: "news",
      message: { text: "breaking news" },
    });
    expect(result?.sessions).toBe(members.length);
    await until(
      () => members.every((c) => (received.get(c)?.length ?? 0) >= 1),
      "the broadcast at every member",
      10_000,
    );
    await new Promise((r) => setTimeout(r, 200)); // time for any duplicate to show up
    for (const c of members) expect(received.get(c)).toHaveLength(1);
    expect(received.get(outsider)).toHaveLength(0);
  });

  it("delivers sendTo to a client connected to another node", async () => {
    const c = client(nodes[2]?.port as number);
    await c.connect();
    const got = new Promise<BotMessage>((resolve) =>
      c.on("message", (m) => m.text === "direct" && resolve(m)),
    );
    const result = await nodes[0]?.call({
      type: "sendTo",
      recipient: { session: c.session },
      message: "direct",
    });
    expect(result?.sessions).toBe(1);
    expect((await got).replyTo).toBeUndefined();
  });

  it("resumes on another node after a node is killed with SIGKILL mid-stream: no loss, no duplicates", async () => {
    const victim = await startNode("victim");
    nodes.push(victim);
    const survivor = nodes[0] as Node;
    // Clients connect through a balancer that alternates between the victim and the survivor.
    const balancer = await startBalancer([victim.port, survivor.port]);
    const streamClients = Array.from({ length: 4 }, () => client(balancer.port));
    await Promise.all(streamClients.map((c) => c.connect()));
    let reconnects = 0;
    for (const c of streamClients) c.on("reconnecting", () => reconnects++);
    const perClient = 40;
    const replies = streamClients.map(() => new Map<string, number>());
    const seqs = streamClients.map(() => [] as number[]);
    streamClients.forEach((c, i) => {
      c.on("message", (m) => {
        seqs[i]?.push(m.seq);
        if (m.replyTo !== undefined)
          replies[i]?.set(m.replyTo, (replies[i]?.get(m.replyTo) ?? 0) + 1);
      });
    });
    const sent = streamClients.map(() => [] as string[]);
    const senders = streamClients.map(async (c, i) => {
      for (let n = 0; n < perClient; n++) {
        sent[i]?.push(c.send(`msg ${n}`));
        await new Promise((r) => setTimeout(r, 5));
      }
    });
    await new Promise((r) => setTimeout(r, 60));
    victim.child.kill("SIGKILL");
    await Promise.all(senders);
    await until(
      () => streamClients.every((_, i) => replies[i]?.size === perClient),
      "every reply",
      30_000,
    );
    await new Promise((r) => setTimeout(r, 300));
    for (let i = 0; i < streamClients.length; i++) {
      // Every message answered exactly once, and no bot message delivered twice.
      expect([...(replies[i]?.keys() ?? [])].sort()).toEqual([...(sent[i] ?? [])].sort());
      expect([...(replies[i]?.values() ?? [])].every((count) => count === 1)).toBe(true);
      expect(new Set(seqs[i]).size).toBe(seqs[i]?.length);
      expect(streamClients[i]?.unconfirmed).toBe(0);
    }
    // The scenario really happened: clients of the killed node had to reconnect elsewhere.
    expect(reconnects).toBeGreaterThan(0);
    await balancer.close();
  }, 60_000);
});
