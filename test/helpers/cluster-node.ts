import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";

// One bot node of a cluster test: examples/cluster/node.js (the built package on Redis or a
// Redis Cluster) as a child process, configured through its environment.

const NODE_SCRIPT = fileURLToPath(new URL("../../examples/cluster/node.js", import.meta.url));

/** A running node process. */
export interface ClusterNode {
  readonly child: ChildProcess;
  readonly port: number;
  readonly name: string;
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
}

/** Starts a node on a free port; resolves once it listens. */
export function startClusterNode(name: string, env: Record<string, string>): Promise<ClusterNode> {
  const child = fork(NODE_SCRIPT, [], {
    env: { ...process.env, PORT: "0", NODE_NAME: name, ...env },
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`${name} exited with ${code}`)));
    child.on("message", (message: { type: string; port?: number }) => {
      if (message.type === "ready") resolve({ child, port: message.port as number, name, exited });
    });
  });
}
