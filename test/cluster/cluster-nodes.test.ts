import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BotClient, type BotMessage } from "../../src/client/node.js";
import { startBalancer } from "../helpers/balancer.js";
import { type ClusterNode, startClusterNode } from "../helpers/cluster-node.js";
import { skipWithoutBuild } from "../helpers/dist-built.js";
import { CLUSTER_NODES, clusterFixture, skipWithoutCluster } from "../helpers/redis-cluster.js";
import { until } from "../helpers/until.js";

// Bot node processes (examples/cluster/node.js, the built package) on a 3-master Redis
// Cluster behind a round-robin TCP balancer: a bot node dies mid-conversation, and a Redis
// master dies under traffic.
const skip =
  skipWithoutBuild("bot nodes on a Redis Cluster", ["index.js", "redis.js", "ws.js"]) ||
  (await skipWithoutCluster("bot nodes on a Redis Cluster"));
const prefix = `test-nodes:${Date.now().toString(36)}:`;
const run = promisify(execFile);

const nodes: ClusterNode[] = [];
const clients: BotClient[] = [];
const closers: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  for (const node of nodes) node.child.kill("SIGKILL");
  for (const close of closers.reverse()) await close();
  if (!skip) await clusterFixture(prefix).cleanup();
});

const nodeList = (list: ReadonlyArray<{ host: string; port: number }>) =>
  list.map((n) => `${n.host}:${n.port}`).join(",");

async function startNodes(names: string[], cluster: string): Promise<ClusterNode[]> {
  const started = await Promise.all(
    names.map((name) =>
      startClusterNode(name, {
        PREFIX: prefix,
        REDIS_CLUSTER_NODES: cluster,
        CLAIM_LEASE_MS: "1000",
      }),
    ),
  );
  nodes.push(...started);
  return started;
}

function client(port: number): BotClient {
  const c = new BotClient(`ws://127.0.0.1:${port}`, {
    reconnect: { initialDelayMs: 50, maxDelayMs: 300 },
    requestTimeoutMs: 30_000,
    maxQueue: 500,
  });
  c.on("error", () => {});
  clients.push(c);
  return c;
}

/** Counts each reply by the message it answers, and each seq received. */
function record(c: BotClient) {
  const replies = new Map<string, Set<number>>();
  const seqs: number[] = [];
  c.on("message", (m: BotMessage) => {
    seqs.push(m.seq);
    if (m.replyTo === undefined) return;
    const set = replies.get(m.replyTo) ?? new Set<number>();
    set.add(m.seq);
    replies.set(m.replyTo, set);
  });
  return { replies, seqs };
}

describe.skipIf(skip)("bot nodes on a Redis Cluster", () => {
  it("a node killed (SIGKILL) mid-stream of 150 numbered messages: 150 replies, none repeated, resumed elsewhere", async () => {
    const three = await startNodes(["c1", "c2", "c3"], nodeList(CLUSTER_NODES));
    const balancer = await startBalancer(three.map((n) => n.port));
    closers.push(() => balancer.close());
    const c = client(balancer.port);
    const { replies, seqs } = record(c);
    await c.connect();
    const session = c.session;
    const who = (await c.request("/whoami")).data as { node: string };
    const victim = three.find((n) => n.name === who.node) as ClusterNode;
    expect(victim).toBeDefined();
    let resumed = false;
    c.on("open", (event) => {
      if (event.resumed) resumed = true;
    });

    const sent: string[] = [];
    for (let n = 0; n < 150; n++) {
      sent.push(c.send(`number ${n}`));
      if (n === 40) victim.child.kill("SIGKILL");
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await until(() => sent.every((id) => replies.has(id)), "a reply to every message", 30_000);
    await until(() => c.unconfirmed === 0, "every message confirmed", 30_000);
    expect(sent.filter((id) => replies.get(id)?.size !== 1)).toEqual([]);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(resumed).toBe(true);
    expect(c.session).toBe(session);
    const after = (await c.request("/whoami")).data as { node: string };
    expect(after.node).not.toBe(victim.name);
  }, 90_000);
});

describe.skipIf(skip)("a broadcast on a Redis Cluster, through node processes", () => {
  it("reaches each member of a room whose sessions sit on every shard exactly once", async () => {
    const two = await startNodes(["b1", "b2"], nodeList(CLUSTER_NODES));
    const balancer = await startBalancer(two.map((n) => n.port));
    closers.push(() => balancer.close());
    // The master of each session's hash tag, as the cluster maps its slots now.
    const redis = new Redis(CLUSTER_NODES[0] as { host: string; port: number });
    closers.push(async () => redis.disconnect());
    const ranges = (await redis.cluster("SLOTS")) as unknown as Array<
      [number, number, [string, number]]
    >;
    const masterOf = async (session: string) => {
      const slot = Number(await redis.cluster("KEYSLOT", `{${session}}`));
      return ranges.find(([from, to]) => slot >= from && slot <= to)?.[2][1];
    };
    const members: BotClient[] = [];
    const shards = new Map<number, number>();
    while (members.length < 30 && (shards.size < 3 || [...shards.values()].some((n) => n < 2))) {
      const c = client(balancer.port);
      await c.connect();
      await c.request("/join news");
      members.push(c);
      const master = (await masterOf(String(c.session))) as number;
      shards.set(master, (shards.get(master) ?? 0) + 1);
    }
    expect(shards.size).toBe(3);
    const outsider = client(balancer.port);
    await outsider.connect();
    const got = new Map<BotClient, number>();
    for (const c of [...members, outsider]) {
      got.set(c, 0);
      c.on("message", (m) => {
        if (m.text === "to every shard") got.set(c, (got.get(c) ?? 0) + 1);
      });
    }
    const result = await two[1]?.call({
      type: "broadcast",
      room: "news",
      message: { text: "to every shard" },
    });
    expect(result?.sessions).toBe(members.length);
    await until(
      () => members.every((c) => got.get(c) === 1),
      "the broadcast at every member",
      20_000,
    );
    // A copy would come from the other node's push or a replay: give it a moment to show.
    const again = await two[0]?.call({
      type: "sendTo",
      recipient: { session: outsider.session },
      message: "ping",
    });
    expect(again?.sessions).toBe(1);
    await until(() => outsider.lastSeq > 0, "a later message on another session");
    expect(members.map((c) => got.get(c))).toEqual(members.map(() => 1));
    expect(got.get(outsider)).toBe(0);
  }, 90_000);
});

/** A private cluster on ports of its own (7201–7206): this test kills one of its masters. */
const PRIVATE_BASE = 7201;
const privateDir = join(tmpdir(), `botwire-redis-cluster-${PRIVATE_BASE}`);
const privateEnv = {
  ...process.env,
  REDIS_CLUSTER_BASE_PORT: String(PRIVATE_BASE),
  REDIS_CLUSTER_DIR: privateDir,
};
const privateNodes = [0, 1, 2].map((i) => ({ host: "127.0.0.1", port: PRIVATE_BASE + i }));

describe.skipIf(skip)("a Redis Cluster master killed under traffic", () => {
  beforeAll(async () => {
    await run("bash", ["scripts/redis-cluster.sh", "start"], { env: privateEnv });
    closers.push(() => run("bash", ["scripts/redis-cluster.sh", "stop"], { env: privateEnv }));
  }, 120_000);

  it("its replica takes over and the bot recovers by itself", async () => {
    const two = await startNodes(["k1", "k2"], nodeList(privateNodes));
    const balancer = await startBalancer(two.map((n) => n.port));
    closers.push(() => balancer.close());
    const c = client(balancer.port);
    await c.connect();
    // The master that holds this session's keys (they share the hash tag {session}), as a
    // node other than `asked` sees it.
    const owner = async (asked: number) => {
      const redis = new Redis({ port: asked, maxRetriesPerRequest: 0, retryStrategy: () => null });
      redis.on("error", () => {});
      try {
        const slot = Number(await redis.cluster("KEYSLOT", `{${c.session}}`));
        const ranges = (await redis.cluster("SLOTS")) as unknown as Array<
          [number, number, [string, number]]
        >;
        return ranges.find(([from, to]) => slot >= from && slot <= to)?.[2][1];
      } finally {
        redis.disconnect();
      }
    };
    const master = (await owner(PRIVATE_BASE + 3)) as number;
    const other = privateNodes.map((n) => n.port).find((port) => port !== master) as number;
    const pid = Number(await readFile(join(privateDir, String(master), "redis.pid"), "utf8"));

    const outcomes: string[] = [];
    const conversation = (async () => {
      for (let n = 0; n < 60; n++) {
        const reply = c.request(`during ${n}`).then(
          (m) => `answered ${m.text}`,
          (error: Error) => `failed ${error.name}`,
        );
        outcomes.push(await reply);
      }
    })();
    await until(() => outcomes.length >= 5, "a few answers before the kill", 30_000);
    process.kill(pid, "SIGKILL");
    await conversation;
    // The replica has taken the slots over (cluster-node-timeout is 2 s).
    const deadline = Date.now() + 60_000;
    while ((await owner(other).catch(() => master)) === master) {
      if (Date.now() > deadline) throw new Error("no replica took over");
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    // Every message settled (answered, or failed with an error: never silence), and the
    // bot answers again without a restart.
    expect(outcomes).toHaveLength(60);
    expect(outcomes.every((o) => o.startsWith("answered") || o.startsWith("failed"))).toBe(true);
    const again: string[] = [];
    for (let n = 0; n < 20; n++) again.push(String((await c.request(`after ${n}`)).text));
    expect(again.every((text, n) => text.endsWith(`after ${n}`))).toBe(true);
  }, 120_000);
});
