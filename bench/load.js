// The load generator: one process holding every client connection, driven over IPC by
// run.js. Clients use `ws` (raw ws and botwire targets) or socket.io-client (Socket.IO).
// Each connection runs a closed loop with `depth` messages in flight; latency is measured
// per message from send to reply in this process.
import { performance } from "node:perf_hooks";
import { io } from "socket.io-client";
import { WebSocket } from "ws";
import { percentile } from "./lib/stats.js";

const TEXT = "The quick brown fox jumps over the lazy dog";
/** Cumulative ack every this many server messages, as a real botwire client would. */
const ACK_EVERY = 32;

let conns = [];
let running = false;
let measuring = false;
let latencies = [];
let count = 0;
let measureStart = 0;
let broadcast = { got: 0, lat: [], done: undefined };
let seqId = 0;

function onBroadcast(text) {
  const lat = performance.timeOrigin + performance.now() - Number(text);
  broadcast.lat.push(lat);
  if (++broadcast.got === conns.length) broadcast.done?.();
}

/** A client connection with the common shape `{ send(id, text), close(), inflight[] }`. */
function wsClient(url, botwire) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    const conn = { inflight: [], seq: 0, unacked: 0 };
    conn.send = (id, text) => socket.send(JSON.stringify({ type: "message", id, text }));
    conn.close = () => socket.terminate();
    socket.on("error", reject);
    socket.on("open", () => {
      if (botwire) socket.send(JSON.stringify({ type: "hello" }));
      else resolve(conn);
    });
    socket.on("message", (data) => {
      const frame = JSON.parse(data.toString());
      if (frame.type === "welcome") return resolve(conn);
      if (frame.type !== "message") {
        if (frame.type === "error") conn.errors = (conn.errors ?? 0) + 1;
        return;
      }
      if (botwire && frame.seq !== undefined) {
        conn.seq = frame.seq;
        if (++conn.unacked >= ACK_EVERY) {
          conn.unacked = 0;
          socket.send(JSON.stringify({ type: "ack", seq: conn.seq }));
        }
      }
      if (frame.replyTo === undefined) onBroadcast(frame.text);
      else onReply(conn);
    });
  });
}

function ioClient(url) {
  return new Promise((resolve, reject) => {
    const socket = io(url, { transports: ["websocket"], forceNew: true, reconnection: false });
    const conn = { inflight: [] };
    conn.send = (id, text) => socket.emit("message", { type: "message", id, text });
    conn.close = () => socket.disconnect();
    socket.on("connect_error", reject);
    socket.on("connect", () => resolve(conn));
    socket.on("message", (frame) => {
      if (frame.replyTo === undefined) onBroadcast(frame.text);
      else onReply(conn);
    });
  });
}

function sendOne(conn) {
  conn.inflight.push(performance.now());
  conn.send(String(++seqId), TEXT);
}

function onReply(conn) {
  const sent = conn.inflight.shift();
  if (measuring) {
    count++;
    latencies.push(performance.now() - sent);
  }
  if (running) sendOne(conn);
}

async function connectAll(target, url, n, concurrency) {
  const open =
    target === "socketio" ? () => ioClient(url) : () => wsClient(url, target === "botwire");
  const started = performance.now();
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      try {
        conns.push(await open());
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  return { connectMs: performance.now() - started, connected: conns.length, failed };
}

const commands = {
  connect: (m) => connectAll(m.target, m.url, m.conns, m.concurrency ?? 200),
  start(m) {
    running = true;
    for (const conn of conns) for (let i = 0; i < m.depth; i++) sendOne(conn);
    return {};
  },
  measure() {
    latencies = [];
    count = 0;
    measuring = true;
    measureStart = performance.now();
    return {};
  },
  stopMeasure() {
    measuring = false;
    const elapsedMs = performance.now() - measureStart;
    latencies.sort((a, b) => a - b);
    return {
      count,
      elapsedMs,
      rate: (count * 1000) / elapsedMs,
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      errors: conns.reduce((n, c) => n + (c.errors ?? 0), 0),
    };
  },
  arm() {
    broadcast = { got: 0, lat: [], done: undefined };
    return {};
  },
  collect(m) {
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        const lat = broadcast.lat.sort((a, b) => a - b);
        resolve({
          got: broadcast.got,
          p50: percentile(lat, 0.5),
          p99: percentile(lat, 0.99),
          max: lat[lat.length - 1] ?? Number.NaN,
        });
      };
      const timer = setTimeout(finish, m.timeoutMs ?? 30_000);
      if (broadcast.got === conns.length) finish();
      else broadcast.done = finish;
    });
  },
  close() {
    running = false;
    for (const conn of conns) conn.close();
    conns = [];
    return {};
  },
};

process.on("message", async (msg) => {
  const result = await commands[msg.cmd](msg);
  process.send({ id: msg.id, ...result });
});
process.on("disconnect", () => process.exit(0));
process.send({ type: "ready" });
