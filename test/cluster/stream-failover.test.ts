import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { startBalancer } from "../helpers/balancer.js";
import { skipWithoutBuild } from "../helpers/dist-built.js";
import { redisFixture, skipWithoutRedis } from "../helpers/redis-available.js";
import { until } from "../helpers/until.js";
import { type Frame, RawClient } from "../helpers/ws-client.js";

// Streamed replies across real node processes (DESIGN §7, "Guarantees"): two nodes of the
// BUILT package (test/helpers/stream-node.mjs) share a RedisStore (sessions, open streams,
// the ledger) and a RedisBroker, behind the TCP balancer (round-robin, skipping a dead
// backend). The client speaks raw protocol frames so the test controls every one of them.
// Without a build or Redis these tests skip locally; in CI they fail instead.

const skip =
  skipWithoutBuild("stream failover tests", ["index.js", "redis.js", "ws.js"]) ||
  (await skipWithoutRedis("stream failover tests"));
const NODE_SCRIPT = fileURLToPath(new URL("../helpers/stream-node.mjs", import.meta.url));
const prefix = `test-stream-failover:${Date.now().toString(36)}:${process.pid}:`;
const CLAIM_LEASE_MS = 1500;
const HEARTBEAT_MS = 300;

/** Token `i` of a streamed text; the same as `streamToken` in test/helpers/stream-node.mjs. */
function streamToken(i: number): string {
  return `t${i}${i % 29 === 7 ? "😀" : ""}${i % 31 === 3 ? "é" : ""} `;
}

/** The whole text a node streams for the message `"<count>:<delayMs>"`. */
function expectedText(count: number): string {
  return Array.from({ length: count }, (_, i) => streamToken(i)).join("");
}

// ── Nodes ────────────────────────────────────────────────────────────────────

/** What a node reports over IPC. */
interface NodeEvent {
  type: "ready" | "connect" | "run" | "streamed";
  node: string;
  port?: number;
  session?: string;
  resumed?: boolean;
  id?: string;
  stream?: string;
  end?: string;
}

interface StreamNode {
  name: string;
  port: number;
  child: ChildProcess;
  events: NodeEvent[];
  exited: Promise<unknown>;
}

const running = new Set<ChildProcess>();

async function startNode(name: string): Promise<StreamNode> {
  const child = fork(NODE_SCRIPT, [], {
    env: {
      ...process.env,
      PREFIX: prefix,
      NODE_NAME: name,
      CLAIM_LEASE_MS: String(CLAIM_LEASE_MS),
      HEARTBEAT_MS: String(HEARTBEAT_MS),
      DELTA_INTERVAL_MS: "50",
    },
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  running.add(child);
  const events: NodeEvent[] = [];
  child.on("message", (event: NodeEvent) => void events.push(event));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  void exited.then(() => running.delete(child));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start`)), 15_000);
    child.on("message", (event: NodeEvent) => {
      if (event.type !== "ready") return;
      clearTimeout(timer);
      resolve(event.port as number);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}`));
    });
  });
  return { name, port, child, events, exited };
}

/** Waits until `node` reported a connection of `session` (so the client landed there). */
async function landedOn(node: StreamNode, session: string, resumed: boolean): Promise<void> {
  await until(
    () => node.events.some((e) => e.type === "connect" && e.session === session),
    `a connection of ${session} on ${node.name}`,
    5000,
  );
  const connects = node.events.filter((e) => e.type === "connect" && e.session === session);
  expect(connects.at(-1)?.resumed).toBe(resumed);
}

/** How often `node` started the handler for message `id` of `session`. */
function runs(node: StreamNode, session: string, id: string): number {
  return node.events.filter((e) => e.type === "run" && e.session === session && e.id === id).length;
}

// ── Frames ───────────────────────────────────────────────────────────────────

interface Message {
  type: "message";
  seq: number;
  replyTo?: string;
  stream?: string;
  text?: string;
  end?: string;
}

interface Delta {
  type: "delta";
  stream: string;
  at: number;
  text: string;
}

type MessageFrame = Frame & Message;

const messagesOf = (frames: Frame[]) =>
  frames.filter((f): f is MessageFrame => f.type === "message");

/** Opening messages of streams (text "", no end), optionally answering `replyTo`. */
const openingsOf = (frames: Frame[], replyTo?: string) =>
  messagesOf(frames).filter(
    (m) =>
      m.stream !== undefined &&
      m.end === undefined &&
      (replyTo === undefined || m.replyTo === replyTo),
  );

/** Final messages of streams (with `end`). */
const finalsOf = (frames: Frame[]) =>
  messagesOf(frames).filter((m) => m.stream !== undefined && m.end !== undefined);

const deltasOf = (frames: Frame[], stream: string) =>
  frames.filter((f): f is Frame & Delta => f.type === "delta" && f.stream === stream);

/**
 * The messages a client following docs/protocol.md ("Client rules", 1) takes, in order: a
 * message whose seq is not above the highest seen is ignored (a replay or a re-sent reply can
 * repeat one around a reconnect). `ignored` lists those repeats; each must be an exact copy of
 * the message taken with that seq.
 */
function clientView(frames: Frame[]): { taken: MessageFrame[]; ignored: MessageFrame[] } {
  const taken: MessageFrame[] = [];
  const ignored: MessageFrame[] = [];
  let highest = 0;
  for (const m of messagesOf(frames)) {
    if (m.seq > highest) {
      highest = m.seq;
      taken.push(m);
    } else {
      ignored.push(m);
    }
  }
  return { taken, ignored };
}

/** Repeats that are not exact copies of the message taken with the same seq. */
function badRepeats(view: ReturnType<typeof clientView>): Message[] {
  const bySeq = new Map(view.taken.map((m) => [m.seq, JSON.stringify(m)]));
  return view.ignored.filter((m) => bySeq.get(m.seq) !== JSON.stringify(m));
}

/** The highest seq received (what a client sends as `lastSeq`). */
const lastSeqOf = (frames: Frame[]) => Math.max(0, ...messagesOf(frames).map((m) => m.seq));

/**
 * A client's text of one stream, built with the offset rule: what it already has of a delta
 * is dropped (it must equal what it has), what lies beyond is appended; a delta that starts
 * past the end is a hole.
 */
class Assembly {
  text = "";
  readonly problems: string[] = [];

  apply(deltas: readonly Delta[]): this {
    for (const { at, text } of deltas) {
      if (at > this.text.length) {
        this.problems.push(`hole: a delta at ${at}, the text so far ends at ${this.text.length}`);
        continue;
      }
      const overlap = Math.min(this.text.length - at, text.length);
      if (this.text.slice(at, at + overlap) !== text.slice(0, overlap)) {
        this.problems.push(`conflict: the delta at ${at} disagrees with the text so far`);
      }
      this.text += text.slice(overlap);
    }
    return this;
  }
}

/**
 * What breaks "no delta skipped or repeated" on one connection: the first delta of a stream
 * must start at 0 and each later one exactly where the previous one ended.
 */
function contiguityProblems(deltas: readonly Delta[]): string[] {
  const problems: string[] = [];
  let end = 0;
  for (const { at, text } of deltas) {
    if (at !== end) problems.push(`a delta at ${at} where the previous one ended at ${end}`);
    end = Math.max(end, at + text.length);
  }
  return problems;
}

// ── Connections ──────────────────────────────────────────────────────────────

const clients: RawClient[] = [];

/** Opens a raw connection through the balancer and says hello; resolves with the welcome. */
async function connect(port: number, hello: Record<string, unknown> = {}) {
  const client = new RawClient(`ws://127.0.0.1:${port}`);
  clients.push(client);
  client.send({ type: "hello", ...hello });
  const welcome = await client.next("welcome");
  return { client, session: welcome.session as string, resumed: welcome.resumed as boolean };
}

/** Resolves with the first opening of a stream answering `id`. */
async function openingFor(client: RawClient, id: string, timeoutMs = 5000): Promise<Message> {
  return client.waitFor((frames) => openingsOf(frames, id)[0], timeoutMs);
}

/** Waits until the client put together at least `chars` of `stream` from its deltas. */
async function receivedChars(client: RawClient, stream: string, chars: number): Promise<void> {
  await client.waitFor(
    (frames) => new Assembly().apply(deltasOf(frames, stream)).text.length >= chars,
    10_000,
  );
}

/** Resolves with the first final answering `id` that matches `where`. */
async function finalFor(
  client: RawClient,
  id: string,
  where: (m: Message) => boolean = () => true,
  timeoutMs = 15_000,
): Promise<Message> {
  return client.waitFor(
    (frames) => finalsOf(frames).find((m) => m.replyTo === id && where(m)),
    timeoutMs,
  );
}

/**
 * A window in which a duplicate final (a second run, a second orphan closing) would show
 * up. Not a wait for anything the assertions need: those are all awaited as conditions.
 */
const duplicateWindow = () => new Promise((resolve) => setTimeout(resolve, 600));

const errorsOf = (frames: Frame[]) => frames.filter((f) => f.type === "error");

// ── Tests ────────────────────────────────────────────────────────────────────

describe.skipIf(skip)("streamed replies across node processes sharing Redis", () => {
  const redis = redisFixture(prefix);
  let a: StreamNode;
  let b: StreamNode;
  let balancer: Awaited<ReturnType<typeof startBalancer>>;

  beforeEach(async () => {
    [a, b] = await Promise.all([startNode("A"), startNode("B")]);
    // Round-robin from A: the first connection of a test goes to A, the next one to B
    // (or to B anyway once A is dead). landedOn() checks where each one went.
    balancer = await startBalancer([a.port, b.port]);
  }, 20_000);

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await balancer?.close();
    const exits = [a, b].filter((n) => n !== undefined && running.has(n.child));
    for (const node of exits) node.child.kill("SIGKILL");
    await Promise.all(exits.map((n) => n.exited));
  });

  afterAll(async () => {
    for (const child of running) child.kill("SIGKILL");
    await redis.cleanup();
  });

  it("SIGKILL of the generating node: the re-sent message runs again on the other node, the orphan closes interrupted once, the new stream is complete", async () => {
    const count = 300;
    const expected = expectedText(count);

    // Connection 1, on A: ask, get the opening and some deltas.
    const first = await connect(balancer.port);
    await landedOn(a, first.session, false);
    first.client.send({ type: "message", id: "m1", text: `${count}:20` });
    const orphanOpening = await openingFor(first.client, "m1");
    const orphan = orphanOpening.stream as string;
    await receivedChars(first.client, orphan, 300);

    // A dies mid-stream; the proxy drops the client's connection.
    a.child.kill("SIGKILL");
    await a.exited;
    await first.client.waitClose();
    expect(runs(a, first.session, "m1")).toBe(1);
    const seenOnFirst = new Assembly().apply(deltasOf(first.client.frames, orphan));
    expect(seenOnFirst.problems).toEqual([]);
    expect(contiguityProblems(deltasOf(first.client.frames, orphan))).toEqual([]);
    expect(expected.startsWith(seenOnFirst.text)).toBe(true);
    expect(seenOnFirst.text.length).toBeLessThan(expected.length); // it really was mid-stream
    expect(finalsOf(first.client.frames)).toEqual([]);

    // Connection 2, through the proxy to B: resume, re-send m1 (no final came: unconfirmed).
    const lastSeq = lastSeqOf(first.client.frames);
    const second = await connect(balancer.port, { session: first.session, lastSeq });
    expect(second.session).toBe(first.session);
    expect(second.resumed).toBe(true);
    await landedOn(b, first.session, true);
    second.client.send({ type: "message", id: "m1", text: `${count}:20` });

    const done = await finalFor(second.client, "m1", (m) => m.end === "done");
    await duplicateWindow();
    const frames = second.client.frames;

    // The handler ran again on B (once: the claim of the dead node expired), never twice.
    expect(runs(b, first.session, "m1")).toBe(1);
    // The new stream's final holds the whole text.
    expect(done.text).toBe(expected);
    const fresh = done.stream as string;
    expect(fresh).not.toBe(orphan);
    expect(openingsOf(frames, "m1").map((m) => m.stream)).toEqual([fresh]);

    // The orphan got exactly one final, `interrupted`, with a prefix of the text.
    const all = [...first.client.frames, ...frames];
    const orphanFinals = finalsOf(all).filter((m) => m.stream === orphan);
    expect(orphanFinals).toHaveLength(1);
    expect(orphanFinals[0]?.end).toBe("interrupted");
    expect(orphanFinals[0]?.replyTo).toBe("m1");
    expect(expected.startsWith(orphanFinals[0]?.text ?? "\u0000")).toBe(true);
    // …ordered before the new stream opened.
    expect(orphanFinals[0]?.seq).toBeLessThan(openingsOf(frames, "m1")[0]?.seq ?? 0);

    // No stream got two finals, and m1 got one "done": on the wire (no repeat at all here)
    // and as the client takes messages (seq above the highest seen).
    const view = clientView(all);
    expect(view.ignored).toEqual([]);
    const finals = finalsOf(view.taken);
    expect(finals).toEqual(finalsOf(all));
    const streams = finals.map((m) => m.stream);
    expect(new Set(streams).size).toBe(streams.length);
    expect(new Set(streams)).toEqual(new Set([orphan, fresh]));
    expect(finals.filter((m) => m.replyTo === "m1" && m.end === "done")).toHaveLength(1);
    // Every seq of the session, taken in order without a hole.
    expect(view.taken.map((m) => m.seq)).toEqual(
      Array.from({ length: view.taken.length }, (_, i) => i + 1),
    );

    // The deltas of the new stream, applied at their offsets, are exactly the final text:
    // each one starts where the previous ended (no repeated or missing character).
    const freshDeltas = deltasOf(frames, fresh);
    expect(contiguityProblems(freshDeltas)).toEqual([]);
    const rebuilt = new Assembly().apply(freshDeltas);
    expect(rebuilt.problems).toEqual([]);
    expect(rebuilt.text).toBe(done.text);

    // Anything the resumed connection got of the orphan (a snapshot at 0) is a prefix too.
    const orphanOnSecond = new Assembly().apply(deltasOf(frames, orphan));
    expect(orphanOnSecond.problems).toEqual([]);
    expect(expected.startsWith(orphanOnSecond.text)).toBe(true);
    expect(errorsOf(all)).toEqual([]);
  }, 25_000);

  it("resume on another node mid-stream: a snapshot at 0, then live deltas relayed from the generating node, then its final; the re-sent message is not run again", async () => {
    const count = 300;
    const expected = expectedText(count);

    const first = await connect(balancer.port);
    await landedOn(a, first.session, false);
    first.client.send({ type: "message", id: "m1", text: `${count}:20` });
    const stream = (await openingFor(first.client, "m1")).stream as string;
    await receivedChars(first.client, stream, 300);

    // The client goes away (not a cancel: A goes on generating).
    first.client.close();
    await first.client.waitClose();
    const before = deltasOf(first.client.frames, stream);
    expect(contiguityProblems(before)).toEqual([]);

    const lastSeq = lastSeqOf(first.client.frames);
    const second = await connect(balancer.port, { session: first.session, lastSeq });
    expect(second.resumed).toBe(true);
    await landedOn(b, first.session, true);
    // A client re-sends what was not confirmed: A still holds (renews) the claim, so B must
    // not run it again; it waits for A and replays A's final.
    second.client.send({ type: "message", id: "m1", text: `${count}:20` });

    const final = await finalFor(second.client, "m1");
    await duplicateWindow();
    const frames = second.client.frames;
    expect(final.end).toBe("done");
    expect(final.stream).toBe(stream);
    expect(final.text).toBe(expected);
    expect(runs(a, first.session, "m1")).toBe(1);
    expect(runs(b, first.session, "m1")).toBe(0);
    // No second stream opened for m1 (the opening was before lastSeq: not replayed either).
    expect(openingsOf(frames)).toEqual([]);

    // After the welcome (and the replay, empty here): one snapshot delta at 0, then live ones.
    const after = deltasOf(frames, stream);
    const welcomeAt = frames.findIndex((f) => f.type === "welcome");
    const snapshotAt = frames.indexOf(after[0] as Frame);
    expect(welcomeAt).toBeGreaterThanOrEqual(0);
    expect(snapshotAt).toBeGreaterThan(welcomeAt);
    expect(after[0]?.at).toBe(0);
    expect(after.filter((d) => d.at === 0)).toHaveLength(1);
    // The stream was far from over: deltas went on arriving at B through Redis.
    expect(after.length).toBeGreaterThan(1);
    expect(contiguityProblems(after)).toEqual([]);

    // Before + after, with the offset rule: exactly the final text.
    const rebuilt = new Assembly().apply(before).apply(after);
    expect(rebuilt.problems).toEqual([]);
    expect(rebuilt.text).toBe(final.text);
    // The resumed connection alone (snapshot + live) has it all too.
    expect(new Assembly().apply(after).text).toBe(final.text);

    // One final for the stream. It may reach the connection twice — pushed live from A, and
    // as the re-sent message's replayed reply — which docs/protocol.md allows ("re-sent
    // replies can repeat a message"): the client ignores the copy by its seq.
    const view = clientView([...first.client.frames, ...frames]);
    expect(badRepeats(view)).toEqual([]);
    expect(finalsOf(view.taken).map((m) => m.seq)).toEqual([final.seq]);
    expect(view.taken.map((m) => m.seq)).toEqual([1, 2]);
    expect(errorsOf([...first.client.frames, ...frames])).toEqual([]);
  }, 25_000);

  it("two connections of one session on different nodes see the same deltas and the same final, whichever node generates", async () => {
    const count = 150;
    const expected = expectedText(count);

    const onA = await connect(balancer.port);
    await landedOn(a, onA.session, false);
    const onB = await connect(balancer.port, { session: onA.session, lastSeq: 0 });
    expect(onB.session).toBe(onA.session);
    expect(onB.resumed).toBe(true);
    await landedOn(b, onA.session, true);

    // m1 asked on A (generated there), m2 asked on B (generated there).
    onA.client.send({ type: "message", id: "m1", text: `${count}:20` });
    const [m1onA, m1onB] = await Promise.all([
      finalFor(onA.client, "m1"),
      finalFor(onB.client, "m1"),
    ]);
    onB.client.send({ type: "message", id: "m2", text: `${count}:20` });
    const [m2onA, m2onB] = await Promise.all([
      finalFor(onA.client, "m2"),
      finalFor(onB.client, "m2"),
    ]);
    await duplicateWindow();
    expect(runs(a, onA.session, "m1")).toBe(1);
    expect(runs(b, onA.session, "m1")).toBe(0);
    expect(runs(b, onA.session, "m2")).toBe(1);
    expect(runs(a, onA.session, "m2")).toBe(0);

    for (const [x, y] of [
      [m1onA, m1onB],
      [m2onA, m2onB],
    ] as const) {
      expect(x).toEqual(y);
      expect(x.end).toBe("done");
      expect(x.text).toBe(expected);
      const stream = x.stream as string;
      const texts = [onA, onB].map(({ client }) => {
        const deltas = deltasOf(client.frames, stream);
        expect(contiguityProblems(deltas)).toEqual([]);
        const assembly = new Assembly().apply(deltas);
        expect(assembly.problems).toEqual([]);
        return assembly.text;
      });
      expect(texts).toEqual([x.text, x.text]);
    }
    // Both connections have the same conversation: the same seq'd messages, each once.
    const seqd = (frames: Frame[]) => messagesOf(frames).map((m) => JSON.stringify(m));
    expect(seqd(onA.client.frames)).toEqual(seqd(onB.client.frames));
    expect(new Set(seqd(onA.client.frames)).size).toBe(seqd(onA.client.frames).length);
    expect(finalsOf(onA.client.frames)).toHaveLength(2);
    expect(errorsOf([...onA.client.frames, ...onB.client.frames])).toEqual([]);
  }, 25_000);

  it("two connections of one session on different nodes, both asking at once: each gets every seq'd message of the session, in order", async () => {
    const onA = await connect(balancer.port);
    await landedOn(a, onA.session, false);
    const onB = await connect(balancer.port, { session: onA.session, lastSeq: 0 });
    expect(onB.resumed).toBe(true);
    await landedOn(b, onA.session, true);

    // Each round, one short stream generated on each node at the same time: the outbox seqs
    // of the two nodes' openings and finals interleave. A node then has its own entry (seq
    // N+1, pushed at once) before the other node's (seq N, through Redis pub/sub); a
    // connection that writes N+1 and then skips N as "already sent" loses N for good — its
    // client ignores a seq below the highest it has, and resumes after it.
    const rounds = 10;
    for (let round = 0; round < rounds; round++) {
      onA.client.send({ type: "message", id: `a${round}`, text: "3:5" });
      onB.client.send({ type: "message", id: `b${round}`, text: "3:5" });
      // Each connection's own answer is generated on its own node.
      await Promise.all([finalFor(onA.client, `a${round}`), finalFor(onB.client, `b${round}`)]);
    }
    // Two seq'd messages (opening, final) per message: the session's last seq is known, and
    // the message with the highest seq reaches both (nothing above it can overtake it).
    const last = 2 * 2 * rounds;
    for (const { client } of [onA, onB]) {
      await client.waitFor((frames) => messagesOf(frames).some((m) => m.seq === last), 10_000);
    }
    for (const { client } of [onA, onB]) {
      const view = clientView(client.frames);
      expect(badRepeats(view)).toEqual([]);
      expect(view.taken.map((m) => m.seq)).toEqual(Array.from({ length: last }, (_, i) => i + 1));
    }
  }, 25_000);
});
