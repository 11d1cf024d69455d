// The load generator: one process holding every client connection, driven over IPC by
// run.js. Clients use `ws` (raw ws and the botwire targets, botwire/ws and botwire/bun) or
// socket.io-client (Socket.IO).
// Each connection runs a closed loop with `depth` messages in flight; latency is measured
// per message from send to reply in this process.
// The stream shapes (`stream` command): every connection sends one `stream …` message and
// reassembles the streamed reply from its deltas at their `at` offsets; the text must be
// byte-identical to the final message's and to the expected text (bench/lib/stream-text.js).
import { performance } from "node:perf_hooks";
import { io } from "socket.io-client";
import { WebSocket } from "ws";
import { percentile } from "./lib/stats.js";
import { expectedText } from "./lib/stream-text.js";

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
function wsClient(url, botwire, localAddress) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, {
      perMessageDeflate: false,
      ...(localAddress !== undefined && { localAddress }),
    });
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
      if (frame.type === "delta") return onDelta(conn, frame);
      if (frame.type !== "message") {
        if (frame.type === "error") conn.errors = (conn.errors ?? 0) + 1;
        if (conn.st !== undefined) conn.st.other++; // e.g. botwire's `typing` activity
        return;
      }
      if (botwire && frame.seq !== undefined) {
        conn.seq = frame.seq;
        if (++conn.unacked >= ACK_EVERY) {
          conn.unacked = 0;
          socket.send(JSON.stringify({ type: "ack", seq: conn.seq }));
        }
      }
      if (frame.stream !== undefined) onStreamMessage(conn, frame);
      else if (frame.replyTo === undefined) onBroadcast(frame.text);
      else onReply(conn);
    });
  });
}

/** The streamed reply a connection is receiving (`conn.st`), and the run's progress. */
let streamRun = { left: 0, done: undefined };

function failStream(st, reason) {
  st.failure ??= reason;
}

function onDelta(conn, frame) {
  const st = conn.st;
  if (st === undefined || frame.stream !== st.id) {
    if (st !== undefined) failStream(st, `delta of an unknown stream ${frame.stream}`);
    return;
  }
  st.deltas++;
  st.firstAt ??= performance.now();
  const { at, text } = frame;
  const have = st.buf.length;
  if (!Number.isInteger(at) || at > have) {
    failStream(st, `hole: delta at ${at}, text so far ${have}`);
    return;
  }
  if (at === have) {
    st.buf += text;
    st.chars += text.length;
    return;
  }
  // A repeat or an overlap (botwire sends none here) must agree with the text so far.
  const overlap = Math.min(text.length, have - at);
  if (st.buf.slice(at, at + overlap) !== text.slice(0, overlap)) {
    failStream(st, `delta at ${at} differs from the text so far`);
  }
  st.buf = st.buf.slice(0, at) + text;
  if (st.buf.length > have) st.chars += st.buf.length - have;
}

function onStreamMessage(conn, frame) {
  const st = conn.st;
  if (st === undefined) return;
  if (frame.end === undefined) {
    if (st.id !== undefined) failStream(st, "a second opening message");
    if (frame.text !== "") failStream(st, "opening message with text");
    st.id = frame.stream;
    return;
  }
  if (st.finishedAt !== undefined) return failStream(st, "a second final message");
  if (frame.stream !== st.id) failStream(st, "final of an unknown stream");
  if (frame.end !== "done") failStream(st, `end "${frame.end}"`);
  if (st.buf !== frame.text) failStream(st, "reassembled deltas differ from the final text");
  if (frame.text !== st.expected) failStream(st, "final text differs from the expected text");
  st.finishedAt = performance.now();
  if (--streamRun.left === 0) streamRun.done?.();
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

/** `url`: one server, or several (nodes of one app): connection i goes to url[i % length]. */
async function connectAll(target, url, n, concurrency) {
  const urls = Array.isArray(url) ? url : [url];
  let opened = 0;
  const open = () => {
    const i = opened++;
    const at = urls[i % urls.length];
    // Past one source address's ephemeral ports (~28 000 to one server port), each further
    // 20 000 connections come from the next loopback address: 127.0.0.2, 127.0.0.3, …
    const from = n > 20_000 ? `127.0.0.${1 + Math.floor(i / 20_000)}` : undefined;
    return target === "socketio"
      ? ioClient(at)
      : wsClient(at, target === "botwire" || target === "bun", from);
  };
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
  /**
   * Every connection asks for one streamed reply of `tokens` tokens (`frames[i]` delta frames
   * for connection i, raw ws only) and checks it; resolves when every final arrived.
   */
  stream(m) {
    return new Promise((resolve) => {
      const expected = expectedText(m.tokens);
      const started = performance.now();
      streamRun = { left: conns.length, done: undefined };
      conns.forEach((conn, i) => {
        conn.st = { expected, buf: "", deltas: 0, chars: 0, other: 0, sentAt: performance.now() };
        const frames = m.frames?.[i];
        conn.send(String(++seqId), `stream ${m.tokens} ${m.burst}${frames ? ` ${frames}` : ""}`);
      });
      const finish = () => {
        clearTimeout(timer);
        streamRun.done = undefined;
        const sts = conns.map((c) => c.st);
        const ended = sts.filter((st) => st.finishedAt !== undefined);
        const last = Math.max(...ended.map((st) => st.finishedAt));
        for (const st of sts) if (st.finishedAt === undefined) failStream(st, "no final message");
        const failed = sts.filter((st) => st.failure !== undefined);
        const first = sts
          .filter((st) => st.firstAt !== undefined)
          .map((st) => st.firstAt - st.sentAt)
          .sort((a, b) => a - b);
        resolve({
          elapsedMs: (ended.length > 0 ? last : performance.now()) - started,
          chars: sts.reduce((n, st) => n + st.chars, 0),
          deltas: sts.reduce((n, st) => n + st.deltas, 0),
          other: sts.reduce((n, st) => n + st.other, 0),
          frames: sts.map((st) => st.deltas),
          firstP50: percentile(first, 0.5),
          failures: failed.length,
          reasons: [...new Set(failed.map((st) => st.failure))].slice(0, 5),
          errors: conns.reduce((n, c) => n + (c.errors ?? 0), 0),
        });
        for (const conn of conns) conn.st = undefined;
      };
      const timer = setTimeout(finish, m.timeoutMs ?? 60_000);
      streamRun.done = finish;
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
