import { Cluster, Redis } from "ioredis";

/** What `new Cluster(nodes, options)` takes. */
export type ClusterOptions = NonNullable<ConstructorParameters<typeof Cluster>[1]>;

/**
 * The private test cluster of `scripts/redis-cluster.sh start` (3 masters on
 * 127.0.0.1:7101–7103, replicas on 7104–7106), or the nodes in REDIS_CLUSTER_NODES
 * ("host:port,host:port,…").
 */
export const CLUSTER_NODES = (
  process.env.REDIS_CLUSTER_NODES ?? "127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103"
)
  .split(",")
  .map((node) => {
    const [host = "127.0.0.1", port = "0"] = node.trim().split(":");
    return { host, port: Number(port) };
  });

/** Whether the first node answers and says `cluster_state:ok`. */
export async function clusterAvailable(): Promise<boolean> {
  const [first] = CLUSTER_NODES;
  if (first === undefined) return false;
  const probe = new Redis({
    ...first,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on("error", () => {});
  try {
    await probe.connect();
    return /^cluster_state:ok/m.test(await probe.cluster("INFO"));
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/**
 * True when Redis Cluster tests should be skipped (and prints why). Locally they skip with a
 * visible message when no cluster runs; in CI (CI=true) they fail instead.
 */
export async function skipWithoutCluster(what: string): Promise<boolean> {
  if (await clusterAvailable()) return false;
  const where = CLUSTER_NODES.map((n) => `${n.host}:${n.port}`).join(", ");
  if (process.env.CI === "true") {
    throw new Error(`${what}: a Redis Cluster is required in CI but none answers on ${where}`);
  }
  console.warn(
    `\n⚠ SKIPPED ${what}: no Redis Cluster on ${where} (start one: bash scripts/redis-cluster.sh start)\n`,
  );
  return true;
}

/** The options the tests connect with (sharded pub/sub on, as botwire's broker needs). */
export const CLUSTER_OPTIONS: ClusterOptions = { shardedSubscribers: true };

/**
 * Cluster connections for one test file under a key prefix of its own: `client()` opens one
 * (ready when it resolves), `cleanup()` deletes the prefix's keys on every master and closes
 * every connection (call it in afterAll).
 */
export function clusterFixture(prefix: string) {
  const clients: Cluster[] = [];
  const open = async (options: ClusterOptions = {}): Promise<Cluster> => {
    const client = new Cluster(CLUSTER_NODES, { ...CLUSTER_OPTIONS, ...options });
    clients.push(client);
    if (client.status !== "ready") {
      await new Promise<void>((resolve, reject) => {
        client.once("ready", resolve);
        client.once("error", reject);
      });
    }
    return client;
  };
  return {
    client: open,
    /** The keys under the prefix, from every master. */
    async keys(): Promise<string[]> {
      const admin = clients[0] ?? (await open());
      const perMaster = await Promise.all(
        admin.nodes("master").map((node) => node.keys(`${prefix}*`)),
      );
      return perMaster.flat();
    },
    async cleanup(): Promise<void> {
      const admin = await open();
      const keys = await this.keys();
      await Promise.all(keys.map((key) => admin.del(key)));
      await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}

/** The master (host:port) that holds `slot`, as the client sees the cluster now. */
export function masterOf(cluster: Cluster, slot: number): string {
  const [master] = cluster.slots[slot] ?? [];
  if (master === undefined) throw new Error(`no node holds slot ${slot}`);
  return master;
}

/** The connection of `cluster` to the node `host:port`. */
export function nodeOf(cluster: Cluster, key: string): Redis {
  const node = cluster.nodes("all").find((n) => `${n.options.host}:${n.options.port}` === key);
  if (node === undefined) throw new Error(`no connection to ${key}`);
  return node;
}
