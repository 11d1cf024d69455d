// Starts three botwire nodes sharing Redis, then shows:
//   1. a broadcast from one node reaching clients on every node, exactly once;
//   2. a client whose node goes away resuming its session on another node, missing nothing.
//
//   npm run example:cluster      (needs Redis on 127.0.0.1:6379)
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { BotClient } from "botwire/client";
import { WebSocket } from "ws";

const script = fileURLToPath(new URL("./node.js", import.meta.url));
const prefix = `botwire-demo:${Date.now().toString(36)}:`;

function startNode(name) {
  const child = fork(script, [], {
    env: { ...process.env, PORT: "0", PREFIX: prefix, NODE_NAME: name },
  });
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`${name} exited (${code}); is Redis running?`)));
    child.on("message", (m) => m.type === "ready" && resolve({ child, name, port: m.port }));
  });
}

let nextId = 0;
function call(node, command) {
  const id = ++nextId;
  return new Promise((resolve) => {
    const onMessage = (m) => {
      if (m.id !== id) return;
      node.child.off("message", onMessage);
      resolve(m);
    };
    node.child.on("message", onMessage);
    node.child.send({ ...command, id });
  });
}

const nodes = await Promise.all(["alpha", "beta", "gamma"].map(startNode));
console.log(`\nnodes: ${nodes.map((n) => `${n.name}=${n.port}`).join(", ")}\n`);

// 1. Broadcast: one client per node joins "news"; beta broadcasts.
const clients = nodes.map((node) => {
  const client = new BotClient(`ws://127.0.0.1:${node.port}`);
  client.on("message", (m) => {
    if (m.replyTo === undefined)
      console.log(`  client on ${node.name} got: ${m.text} (seq ${m.seq})`);
  });
  return client;
});
await Promise.all(clients.map((c) => c.connect()));
await Promise.all(clients.map((c) => c.request("/join news")));
console.log("1. beta broadcasts to room 'news':");
const { sessions } = await call(nodes[1], {
  type: "broadcast",
  room: "news",
  message: { text: "hello, cluster!" },
});
console.log(`  queued for ${sessions} sessions`);
await new Promise((r) => setTimeout(r, 300));

// 2. Resume on another node: a client on alpha, alpha stops, the client resumes on gamma.
console.log("\n2. resume on another node:");
const roaming = clients[0];
const session = roaming.session;
await roaming.close();
await call(nodes[1], {
  type: "sendTo",
  recipient: { session },
  message: { text: "sent while you were offline" },
});
// BotClient resumes by itself after a reconnect; here the move to gamma is spelled out with
// the raw protocol: hello carries the session id and the last seq this client saw.
const ws = new WebSocket(`ws://127.0.0.1:${nodes[2].port}`);
await new Promise((resolve) => {
  ws.on("open", () =>
    ws.send(JSON.stringify({ type: "hello", session, lastSeq: roaming.lastSeq })),
  );
  ws.on("message", (data) => {
    console.log(`  gamma sent: ${data}`);
    if (JSON.parse(String(data)).type === "message") resolve();
  });
});
ws.close();

for (const c of clients) await c.close();
for (const node of nodes) node.child.kill("SIGTERM");
console.log("\ndone");
