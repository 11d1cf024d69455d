import { afterEach, describe, expect, it } from "vitest";
import {
  type ActivityEvent,
  BotClient,
  CancelledError,
  type DeltaEvent,
  ProtocolError,
  type StreamEvent,
} from "../../src/client/node.js";
import { until } from "./helpers.js";
import { ALL_FEATURES, connectedClient, recorder, scriptedServer } from "./scripted.js";

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function setup(options: { features?: string[]; ackEvery?: number } = {}) {
  const server = await scriptedServer({ features: options.features ?? ALL_FEATURES });
  cleanup.push(() => server.close());
  const client = await connectedClient(server, { ackEvery: options.ackEvery ?? 32 });
  cleanup.push(() => client.close());
  return { server, client, seen: recorder(client) };
}

describe("client.cancel()", () => {
  it("sends a cancel frame for a message in flight; its request resolves with the cancelled final", async () => {
    const { server, client } = await setup();
    const id = client.send("long task");
    const reply = client.stream("another");
    await server.nth("message", 2);
    client.cancel(id);
    expect(await server.nth("cancel")).toMatchObject({ type: "cancel", id });
    // An id this client did not send (another tab's, one from before a reload) goes too:
    // the server stops it if it runs in this session.
    client.cancel("other-tab-id");
    expect(await server.nth("cancel", 2)).toMatchObject({ type: "cancel", id: "other-tab-id" });
    server.send({
      type: "message",
      seq: 1,
      replyTo: id,
      stream: "s",
      text: "ha",
      end: "cancelled",
    });
    await until(() => client.unconfirmed === 1, "cancelled message confirmed");
    server.send({ type: "message", seq: 2, text: "sentinel" });
    await until(() => client.lastSeq === 2, "sentinel");
    expect(server.frames("cancel")).toHaveLength(2);
    reply.cancel();
    expect(await server.nth("cancel", 3)).toMatchObject({ id: reply.id });
  });

  it("before connecting drops the queued message and rejects its request() and stream()", async () => {
    const server = await scriptedServer({ features: ALL_FEATURES });
    cleanup.push(() => server.close());
    const client = new BotClient(server.url, { reconnect: false });
    cleanup.push(() => client.close());
    const kept = client.send("kept");
    // request() does not return its id; ids count up after send()'s.
    const request = client.request("dropped");
    const requestId = kept.replace(/-1$/, "-2");
    const stream = client.stream("dropped too");
    expect(client.unconfirmed).toBe(3);
    client.cancel(requestId);
    stream.cancel();
    await expect(request).rejects.toBeInstanceOf(CancelledError);
    await expect(request).rejects.toMatchObject({ id: requestId });
    await expect(stream.final).rejects.toBeInstanceOf(CancelledError);
    await expect(
      (async () => {
        for await (const _ of stream) expect.unreachable();
      })(),
    ).rejects.toBeInstanceOf(CancelledError);
    expect(client.unconfirmed).toBe(1);
    await client.connect();
    await server.nth("message");
    server.send({ type: "message", seq: 1, text: "sentinel" });
    await until(() => client.lastSeq === 1, "sentinel");
    expect(server.frames("message").map((f) => f.text)).toEqual(["kept"]);
    expect(server.frames("cancel")).toEqual([]);
  });

  it("of a message sent before the connection was lost goes out after the next welcome, after its re-send", async () => {
    const { server, client } = await setup();
    const id = client.send("q");
    await server.nth("message");
    // Cancelled while offline, before the reconnect.
    client.once("reconnecting", () => client.cancel(id));
    server.cut();
    const cancel = await server.nth("cancel");
    expect(cancel).toMatchObject({ id, conn: 1 });
    const second = server.received.filter((f) => f.conn === 1).map((f) => f.type);
    expect(second).toEqual(["hello", "message", "cancel"]);
  });

  it("sends no cancel frame to a server that does not list the feature", async () => {
    const { server, client } = await setup({ features: ["stream"] });
    const id = client.send("q");
    await server.nth("message");
    client.cancel(id);
    server.send({ type: "message", seq: 1, text: "sentinel" });
    await until(() => client.lastSeq === 1, "sentinel");
    expect(server.frames("cancel")).toEqual([]);
    expect(client.features).toEqual(["stream"]);
  });
});

describe("activity", () => {
  it("is shown until the final reply to its message, with an idle event when it ends", async () => {
    const { server, client, seen } = await setup();
    const a = client.send("a");
    const b = client.send("b");
    await server.nth("message", 2);
    const thinking = {
      type: "activity",
      replyTo: a,
      kind: "thinking",
      label: "model",
      ttlMs: 10_000,
    };
    server.send(thinking);
    await until(() => client.activity !== undefined, "activity");
    expect(client.activity).toEqual({
      replyTo: a,
      kind: "thinking",
      label: "model",
      ttlMs: 10_000,
    });
    // A reply to another message leaves it; a stream opening for it too.
    server.send(
      { type: "message", seq: 1, replyTo: b, text: "b done" },
      { type: "message", seq: 2, replyTo: a, stream: "s", text: "" },
    );
    await until(() => client.lastSeq === 2, "two messages");
    expect(client.activity?.kind).toBe("thinking");
    server.send({ type: "message", seq: 3, replyTo: a, stream: "s", text: "a done", end: "done" });
    await until(() => client.activity === undefined, "cleared by the final");
    // The server's own idle after the final (as a bot sends it) is no second change.
    server.send(
      { type: "activity", replyTo: a, kind: "idle", ttlMs: 5000 },
      { type: "message", seq: 4, text: "sentinel" },
    );
    await until(() => client.lastSeq === 4, "sentinel");
    expect(seen.of<ActivityEvent>("activity").map((e) => [e.kind, e.replyTo])).toEqual([
      ["thinking", a],
      ["idle", a],
    ]);
  });

  it("is replaced by a newer one, cleared by idle, and expires after ttlMs", async () => {
    const { server, client, seen } = await setup();
    server.send({ type: "activity", kind: "typing", ttlMs: 10_000 });
    await until(() => client.activity?.kind === "typing", "typing");
    server.send({ type: "activity", kind: "tool", label: "search", ttlMs: 10_000 });
    await until(() => client.activity?.kind === "tool", "newer");
    server.send({ type: "activity", kind: "idle", ttlMs: 0 });
    await until(() => client.activity === undefined, "idle");
    server.send({ type: "activity", kind: "typing", ttlMs: 40 });
    await until(() => client.activity?.kind === "typing", "typing again");
    const shownAt = Date.now();
    await until(() => client.activity === undefined, "expired");
    expect(Date.now() - shownAt).toBeGreaterThanOrEqual(30);
    expect(seen.of<ActivityEvent>("activity").map((e) => e.kind)).toEqual([
      "typing",
      "tool",
      "idle",
      "typing",
      "idle",
    ]);
  });

  it("clamps a huge ttlMs, and is cleared by close()", async () => {
    const { server, client } = await setup();
    server.send({ type: "activity", kind: "typing", ttlMs: 1e12 });
    await until(() => client.activity !== undefined, "activity");
    expect(client.activity?.ttlMs).toBe(60_000);
    await client.close();
    expect(client.activity).toBeUndefined();
  });
});

describe("edits and retractions", () => {
  it("come as edit/retract events, not messages, and count for lastSeq and acks", async () => {
    const { server, client, seen } = await setup({ ackEvery: 3 });
    server.send(
      { type: "message", seq: 1, text: "original" },
      { type: "message", seq: 2, edits: 1, text: "edited", data: { v: 2 } },
      { type: "message", seq: 2, edits: 1, text: "duplicate seq" },
      { type: "message", seq: 3, retracts: 1 },
      { type: "message", seq: 4, text: "sentinel" },
    );
    await until(() => seen.of("message").length === 2, "messages");
    expect(seen.of("message").map((m) => m.text)).toEqual(["original", "sentinel"]);
    expect(seen.of("edit")).toEqual([{ seq: 2, edits: 1, text: "edited", data: { v: 2 } }]);
    expect(seen.of("retract")).toEqual([{ seq: 3, retracts: 1 }]);
    expect(client.lastSeq).toBe(4);
    // ackEvery 3: the third seq'd frame (the retraction) triggered an ack.
    expect((await server.nth("ack")).seq).toBe(3);
  });
});

describe("hostile stream frames", () => {
  it("are ignored without throwing, and valid frames around them still work", async () => {
    const { server, client, seen } = await setup();
    const errors: Error[] = [];
    client.on("error", (e) => errors.push(e));
    const long = "s".repeat(129);
    const bad = [
      { type: "delta", stream: "s", at: -1, text: "x" },
      { type: "delta", stream: "s", at: 1.5, text: "x" },
      { type: "delta", stream: "s", at: "3", text: "x" },
      { type: "delta", stream: "s", at: 1e300, text: "x" },
      { type: "delta", stream: "s", at: 0, text: 42 },
      { type: "delta", stream: long, at: 0, text: "x" },
      { type: "delta", stream: "", at: 0, text: "x" },
      { type: "message", seq: 2, stream: long, text: "" },
      { type: "message", seq: 2, stream: "s", text: "x", end: "exploded" },
      { type: "message", seq: 2, text: "x", end: "done" }, // end without a stream
      { type: "message", seq: 2, edits: 0, text: "x" },
      { type: "message", seq: 2, edits: 1, retracts: 1 },
      { type: "message", seq: 2, retracts: "1" },
      { type: "activity", kind: "typing", ttlMs: -1 },
      { type: "activity", kind: "typing", ttlMs: "5" },
      { type: "activity", kind: long, ttlMs: 5 },
      { type: "activity", kind: "typing", ttlMs: 5, replyTo: 7 },
    ];
    server.send({ type: "message", seq: 1, stream: "s", text: "" }, ...bad);
    server.send(
      { type: "delta", stream: "s", at: 0, text: "ok" },
      { type: "message", seq: 2, stream: "s", text: "ok!", end: "done" },
    );
    await until(() => seen.of("message").length === 1, "final");
    expect(errors).toHaveLength(bad.length);
    expect(errors.every((e) => e instanceof ProtocolError)).toBe(true);
    expect(seen.of<DeltaEvent>("delta").map((d) => d.text)).toEqual(["ok"]);
    expect(seen.of("edit")).toEqual([]);
    expect(seen.of("retract")).toEqual([]);
    expect(seen.of("activity")).toEqual([]);
    expect(client.activity).toBeUndefined();
    expect(client.lastSeq).toBe(2);
  });

  it("tracks at most 64 open streams: an evicted one waits for a snapshot", async () => {
    const { server, seen } = await setup();
    server.send(
      { type: "message", seq: 1, stream: "s0", text: "" },
      { type: "delta", stream: "s0", at: 0, text: "ab" },
    );
    for (let i = 1; i <= 64; i++) {
      server.send({ type: "message", seq: i + 1, stream: `s${i}`, text: "" });
    }
    server.send(
      { type: "delta", stream: "s0", at: 2, text: "cd" }, // s0 was evicted: unknown, not a snapshot
      { type: "delta", stream: "s64", at: 0, text: "live" },
      { type: "delta", stream: "s0", at: 0, text: "abcd" }, // a snapshot tracks it again
      { type: "message", seq: 66, text: "sentinel" },
    );
    await until(() => seen.of("message").length === 1, "sentinel");
    expect(seen.of<StreamEvent>("stream").map((e) => e.stream)).toEqual([
      ...Array.from({ length: 65 }, (_, i) => `s${i}`),
      "s0",
    ]);
    expect(seen.of<DeltaEvent>("delta").map((d) => [d.stream, d.text])).toEqual([
      ["s0", "ab"],
      ["s64", "live"],
      ["s0", "abcd"],
    ]);
  });
});

describe("welcome.features", () => {
  it("is empty for a server that does not send it, and keeps only strings", async () => {
    const old = await scriptedServer();
    cleanup.push(() => old.close());
    const plain = await connectedClient(old);
    cleanup.push(() => plain.close());
    expect(plain.features).toEqual([]);
    const odd = await scriptedServer({ features: ["cancel", 7, null, "edit"] as never });
    cleanup.push(() => odd.close());
    const client = await connectedClient(odd);
    cleanup.push(() => client.close());
    expect(client.features).toEqual(["cancel", "edit"]);
  });
});
