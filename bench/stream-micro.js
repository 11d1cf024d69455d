// In-process micro-benchmark of streamed replies without sockets: CONNS fake connections each
// ask for one reply of TOKENS tokens (bench/lib/stream-text.js, one token per event-loop
// turn) and botwire streams it through ctx.replyStream with its default coalescing. The same
// source read by a bare `for await` loop that encodes as many delta frames is the floor.
// Both report CPU per token; the difference is botwire's own cost per token and delta.
// Usage: npm run build && node --expose-gc bench/stream-micro.js [rounds=5]   (add --cpu-prof
// to profile; CONNS=500 TOKENS=400 for the other shape; BOTWIRE_DIST=/path/to/dist/index.js
// measures another build)
import { performance } from "node:perf_hooks";
import { expectedText, framedPieces, tokenSource } from "./lib/stream-text.js";

const botwire = await import(process.env.BOTWIRE_DIST ?? "botwire");

const ROUNDS = Number(process.argv[2] ?? 5);
const CONNS = Number(process.env.CONNS ?? 100);
const TOKENS = Number(process.env.TOKENS ?? 2000);
const ONLY = process.env.ONLY ?? "bare,botwire";

const bot = new botwire.Bot({
  limits: {
    messagesPerSecond: 1e6,
    burst: 1e6,
    addressMessagesPerSecond: 1e6,
    addressBurst: 1e6,
  },
  ...(process.env.BENCH_DELTA_MS && {
    streaming: { deltaIntervalMs: Number(process.env.BENCH_DELTA_MS) },
  }),
});
if (typeof botwire.session === "function" && process.env.BENCH_SESSION !== "off") {
  bot.use(botwire.session({ initial: () => ({ messages: 0 }) }));
}
bot.on("message", (ctx) => {
  if (ctx.session !== undefined) ctx.session.messages++;
  const tokens = Number(ctx.text.split(" ")[1]);
  return ctx.replyStream(tokenSource(tokens));
});

let host;
await bot.start({
  listen(h) {
    host = h;
  },
  close() {},
});

let left = 0;
let wake;
let deltas = 0;
let failures = 0;
const peers = [];
for (let i = 0; i < CONNS; i++) {
  const peer = { text: "", expected: "" };
  peer.listener = host.open({
    id: `c${i}`,
    info: { remoteAddress: "127.0.0.1", origin: undefined, headers: {} },
    bufferedAmount: 0,
    send(frame) {
      const msg = JSON.parse(frame);
      if (msg.type === "delta") {
        deltas++;
        if (msg.at !== peer.text.length) failures++;
        peer.text += msg.text;
      } else if (msg.type === "message" && msg.end !== undefined) {
        if (msg.text !== peer.text || msg.text !== peer.expected) failures++;
        peer.listener.message(`{"type":"ack","seq":${msg.seq}}`);
        if (--left === 0) wake?.();
      }
    },
    close() {},
  });
  peer.listener.message('{"type":"hello"}');
  peers.push(peer);
}
await new Promise((r) => setTimeout(r, 10));

let id = 0;
async function botRound(tokens) {
  left = CONNS;
  const done = new Promise((r) => (wake = r));
  for (const p of peers) {
    p.text = "";
    p.expected = expectedText(tokens);
    p.listener.message(`{"type":"message","id":"${++id}","text":"stream ${tokens}"}`);
  }
  await done;
}

/** The floor: the same source, `frames` delta frames per stream, JSON.parse'd like above. */
async function bareRound(tokens, frames) {
  const one = async () => {
    for await (const piece of framedPieces(tokens, 1, frames)) {
      if (piece.whole !== undefined) return piece.whole;
      JSON.parse(JSON.stringify({ type: "delta", stream: "s", at: piece.at, text: piece.text }));
    }
  };
  await Promise.all(peers.map(one));
}

/** CPU, wall time and the peak heap (sampled every 10 ms) of one round. */
async function measure(name, run) {
  globalThis.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  let peak = heap0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 10);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await run();
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  const heapMB = (peak - heap0) / 1e6;
  return { name, cpu: cpu.user + cpu.system, ms: performance.now() - t0, heapMB };
}

await botRound(TOKENS / 10); // warm-up
await bareRound(TOKENS / 10, 10);
for (let r = 1; r <= ROUNDS; r++) {
  const out = [];
  deltas = 0;
  if (ONLY.includes("botwire")) out.push(await measure("botwire", () => botRound(TOKENS)));
  const frames = Math.max(1, Math.round(deltas / CONNS)) || 30;
  if (ONLY.includes("bare")) out.push(await measure("bare", () => bareRound(TOKENS, frames)));
  console.log(
    `r${r} ${out
      .map(
        (o) =>
          `${o.name} ${((o.cpu / (CONNS * TOKENS)) * 1000).toFixed(0)} ns CPU/token (${o.ms.toFixed(0)} ms, peak heap +${o.heapMB.toFixed(1)} MB)`,
      )
      .join("  ")}  ${frames} deltas/stream${failures > 0 ? `  FAILURES ${failures}` : ""}`,
  );
}
process.exit(failures > 0 ? 1 : 0);
