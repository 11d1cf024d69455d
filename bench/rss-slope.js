// Memory per idle connection as a slope: one server (bench/servers/<target>.js), N1
// connections, GC, then N2, GC; (RSS at N2 − RSS at N1) ÷ (N2 − N1). Unlike the idle and
// scale shapes (growth ÷ connections), this leaves out what does not grow with the count:
// V8's young generation sized by the handshake burst, fixed tables (docs/benchmarks.md,
// "Memory per connection, measured two ways").
// Usage: npm run build && node bench/rss-slope.js <ws|botwire> [n2=19000] [n1=n2/2]
// Connects from 127.0.<1|2>.x source addresses, 15 000 per address (past one address's
// ephemeral ports); needs an open-file limit above n2 (`ulimit -n`).
import { fork } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import WebSocket from "ws";

const target = process.argv[2] ?? "botwire";
const n2 = Number(process.argv[3] ?? 19_000);
const n1 = Number(process.argv[4] ?? Math.floor(n2 / 2));
const server = fork(new URL(`./servers/${target}.js`, import.meta.url), [], {
  execArgv: ["--expose-gc"],
  stdio: ["ignore", "inherit", "inherit", "ipc"],
});
const waiting = new Map();
let next = 0;
const { port } = await new Promise((resolve) => {
  server.on("message", (msg) => {
    if (msg.type === "ready") resolve(msg);
    waiting.get(msg.id)?.(msg);
  });
});
const call = (cmd) =>
  new Promise((resolve) => {
    const id = ++next;
    waiting.set(id, resolve);
    server.send({ id, cmd });
  });

const sockets = [];
const subnet = target === "ws" ? 1 : 2;
function open() {
  const localAddress = `127.0.${subnet}.${2 + Math.floor(sockets.length / 15_000)}`;
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/`, {
      perMessageDeflate: false,
      localAddress,
    });
    socket.on("error", reject);
    socket.on("open", () => {
      if (target === "botwire") socket.send('{"type":"hello"}');
      else resolve(socket);
    });
    socket.once("message", () => resolve(socket)); // botwire's welcome
  });
}
async function connectTo(n) {
  while (sockets.length < n) sockets.push(await open());
  await sleep(1000);
  return call("gc");
}

const g0 = await call("gc");
const a = await connectTo(n1);
const b = await connectTo(n2);
const kib = (bytes, n) => (bytes / 1024 / n).toFixed(2);
console.log(
  `${target}: RSS growth ÷ ${n2} = ${kib(b.rss - g0.rss, n2)} KiB/conn; slope ${n1} → ${n2}: RSS ${kib(b.rss - a.rss, n2 - n1)} KiB/conn, heap ${kib(b.heap - a.heap, n2 - n1)} KiB/conn`,
);
for (const socket of sockets) socket.terminate();
server.kill();
