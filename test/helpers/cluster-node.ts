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
  /** Sends the node a command over IPC (`broadcast`, `sendTo`, `stop`); resolves with its answer. */
  call(command: Record<string, unknown>): Promise<{ sessions: number }>;
}

let callId = 0;

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
      if (message.type !== "ready") return;
      const call = (command: Record<string, unknown>) =>
        new Promise<{ sessions: number }>((done, fail) => {
          const id = ++callId;
          const onReply = (reply: {
            id?: number;
            type: string;
            sessions?: number;
            error?: string;
          }) => {
            if (reply.id !== id) return;
            child.off("message", onReply);
            if (reply.type === "done") done({ sessions: reply.sessions ?? 0 });
            else fail(new Error(reply.error));
          };
          child.on("message", onReply);
          child.send({ ...command, id });
        });
      resolve({ child, port: message.port as number, name, exited, call });
    });
  });
}
