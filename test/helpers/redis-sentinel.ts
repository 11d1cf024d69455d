import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";

/**
 * A private Redis Sentinel setup for failover tests: a master, one replica and one sentinel
 * (quorum 1), each a `redis-server` process of its own on free loopback ports, keeping
 * nothing on disk. Never touches the shared Redis on 6379.
 */
export interface SentinelSetup {
  /** The name the sentinel monitors (`mymaster`). */
  readonly name: string;
  /** The sentinel's port (give it to ioredis as `sentinels: [{ host, port }]`). */
  readonly sentinelPort: number;
  /** The port of the current master, as the sentinel reports it. */
  master(): Promise<number>;
  /** Kills the process serving `port` (SIGKILL). */
  kill(port: number): void;
  /** Stops every process and removes the temporary directory. */
  close(): Promise<void>;
}

/** Whether `redis-server` is installed (the failover tests skip without it, except in CI). */
export function redisServerInstalled(): boolean {
  try {
    execFileSync("redis-server", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Checks `probe` every 100 ms until it answers true; fails after `timeoutMs`. */
export async function poll(probe: () => Promise<boolean>, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts master, replica and sentinel; resolves once the sentinel sees a synced replica. */
export async function startSentinelSetup(): Promise<SentinelSetup> {
  const dir = await mkdtemp(join(tmpdir(), "botwire-sentinel-"));
  const [masterPort, replicaPort, sentinelPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const processes = new Map<number, ChildProcess>();
  const common = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir];
  const start = (port: number, args: string[]) => {
    const child = spawn("redis-server", args, { stdio: "ignore" });
    processes.set(port, child);
  };
  start(masterPort as number, ["--port", String(masterPort), ...common]);
  start(replicaPort as number, [
    "--port",
    String(replicaPort),
    ...common,
    "--replicaof",
    "127.0.0.1",
    String(masterPort),
  ]);
  // Sentinel rewrites its config file, so it gets one of its own.
  const config = join(dir, "sentinel.conf");
  await writeFile(
    config,
    [
      `port ${sentinelPort}`,
      "bind 127.0.0.1",
      `dir ${dir}`,
      `sentinel monitor mymaster 127.0.0.1 ${masterPort} 1`,
      "sentinel down-after-milliseconds mymaster 1000",
      "sentinel failover-timeout mymaster 10000",
      "sentinel parallel-syncs mymaster 1",
      "",
    ].join("\n"),
  );
  start(sentinelPort as number, [config, "--sentinel"]);

  const sentinel = new Redis({ host: "127.0.0.1", port: sentinelPort, lazyConnect: true });
  sentinel.on("error", () => {});
  const master = async () => {
    const [, port] = (await sentinel.call("SENTINEL", "get-master-addr-by-name", "mymaster")) as [
      string,
      string,
    ];
    return Number(port);
  };
  const replicaReady = async () => {
    try {
      const replicas = (await sentinel.call("SENTINEL", "replicas", "mymaster")) as string[][];
      return replicas.some((fields) => {
        const info = Object.fromEntries(
          fields.flatMap((v, i) => (i % 2 === 0 ? [[v, fields[i + 1]]] : [])),
        );
        return info["master-link-status"] === "ok" && !String(info.flags).includes("down");
      });
    } catch {
      return false;
    }
  };
  await poll(replicaReady, "a sentinel with a synced replica");

  return {
    name: "mymaster",
    sentinelPort: sentinelPort as number,
    master,
    kill(port) {
      processes.get(port)?.kill("SIGKILL");
    },
    async close() {
      sentinel.disconnect();
      for (const child of processes.values()) child.kill("SIGKILL");
      await rm(dir, { recursive: true, force: true });
    },
  };
}
