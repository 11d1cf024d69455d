import { afterEach, describe, expect, it } from "vitest";
import {
  type BotMessage,
  type DeltaEvent,
  ServerError,
  type StreamEvent,
} from "../../src/client/node.js";
import { until } from "./helpers.js";
import { ALL_FEATURES, connectedClient, recorder, scriptedServer } from "./scripted.js";

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function setup() {
  const server = await scriptedServer({ features: ALL_FEATURES });
  cleanup.push(() => server.close());
  const client = await connectedClient(server);
  cleanup.push(() => client.close());
  return { server, client, seen: recorder(client) };
}

/** Splits `text` at the given UTF-16 offsets into delta frames of stream `sid`. */
function deltas(sid: string, text: string, cuts: number[]) {
  const bounds = [0, ...cuts, text.length];
  return bounds.slice(0, -1).map((at, i) => ({
    type: "delta",
    stream: sid,
    at,
    text: text.slice(at, bounds[i + 1]),
  }));
}

/** Iterates a reply stream in the background, recording what it yields. */
function collect(iterable: AsyncIterable<string>) {
  const yielded: string[] = [];
  const done = (async () => {
    for await (const text of iterable) yielded.push(text);
  })();
  done.catch(() => {});
  return { yielded, done };
}

describe("streamed replies: the offset rule", () => {
  it("reassembles a stream byte-identical, emoji and surrogate pairs split across deltas", async () => {
    const { server, client, seen } = await setup();
    const text = "Hi 👋🏽 — naïve café 🇫🇷, 𝄞 and 家族 done.";
    const reply = client.request("tell me");
    const { id } = await server.nth("message");
    server.send({ type: "message", seq: 1, replyTo: id, stream: "s1", text: "" });
    // Cut between code units: inside the surrogate pairs of 👋 🏽 🇫 🇷 𝄞, and elsewhere.
    const cuts = [1, 4, 6, 11, 22, 24, 28, 33];
    const lowSurrogate = (at: number) =>
      text.charCodeAt(at) >= 0xdc00 && text.charCodeAt(at) <= 0xdfff;
    expect(cuts.filter(lowSurrogate)).toEqual([4, 6, 22, 24, 28]);
    server.send(...deltas("s1", text, cuts));
    await until(() => seen.of("delta").length === cuts.length + 1, "all deltas");
    const pieces = seen.of<DeltaEvent>("delta");
    expect(pieces.map((d) => d.delta).join("")).toBe(text);
    expect(pieces.at(-1)?.text).toBe(text);
    expect(pieces.every((d) => d.stream === "s1" && d.replyTo === id)).toBe(true);
    expect(seen.of<StreamEvent>("stream")).toEqual([{ stream: "s1", replyTo: id, text: "" }]);
    // The opening is not a message; the final is, and request() resolves with it.
    expect(seen.of("message")).toEqual([]);
    server.send({ type: "message", seq: 2, replyTo: id, stream: "s1", text, end: "done" });
    const final = await reply;
    expect(final).toEqual({ seq: 2, replyTo: id, stream: "s1", text, end: "done" });
    expect(seen.of<BotMessage>("message")).toEqual([final]);
    expect(client.lastSeq).toBe(2);
  });

  it("drops repeats and appends only the part of an overlapping delta beyond the known text", async () => {
    const { server, client, seen } = await setup();
    client.send("q");
    const { id } = await server.nth("message");
    server.send(
      { type: "message", seq: 1, replyTo: id, stream: "s", text: "" },
      { type: "delta", stream: "s", at: 0, text: "Hello" },
      { type: "delta", stream: "s", at: 0, text: "Hel" }, // repeat
      { type: "delta", stream: "s", at: 3, text: "lo wor" }, // overlaps: " wor" is new
      { type: "delta", stream: "s", at: 5, text: " wor" }, // repeat
      { type: "delta", stream: "s", at: 9, text: "ld" },
      { type: "delta", stream: "s", at: 0, text: "Hello world" }, // a whole repeat
      { type: "message", seq: 2, replyTo: id, stream: "s", text: "Hello world", end: "done" },
    );
    await until(() => seen.of("message").length === 1, "final");
    expect(seen.of<DeltaEvent>("delta").map((d) => [d.delta, d.text])).toEqual([
      ["Hello", "Hello"],
      [" wor", "Hello wor"],
      ["ld", "Hello world"],
    ]);
  });

  it("after a hole ignores deltas until the final, and takes the final's text", async () => {
    const { server, client, seen } = await setup();
    const reply = client.stream("q");
    const { yielded, done } = collect(reply);
    const { id } = await server.nth("message");
    server.send(
      { type: "message", seq: 1, replyTo: id, stream: "s", text: "" },
      { type: "delta", stream: "s", at: 0, text: "abc" },
    );
    await until(() => yielded.length === 1, "first text");
    server.send(
      { type: "delta", stream: "s", at: 10, text: "klm" }, // hole: 3..10 missing
      { type: "delta", stream: "s", at: 3, text: "def" }, // would fit, but the hole came first
      { type: "delta", stream: "s", at: 13, text: "nop" },
      { type: "message", seq: 2, replyTo: id, stream: "s", text: "abcdefghijklmnop", end: "done" },
    );
    await done;
    expect(seen.of<DeltaEvent>("delta").map((d) => d.text)).toEqual(["abc"]);
    expect(yielded).toEqual(["abc", "abcdefghijklmnop"]);
    expect((await reply.final).text).toBe("abcdefghijklmnop");
  });

  it("continues after a resume from the snapshot (at 0) without repeating any text", async () => {
    const { server, client, seen } = await setup();
    client.send("story");
    const { id } = await server.nth("message");
    server.send(
      { type: "message", seq: 1, replyTo: id, stream: "s", text: "" },
      { type: "delta", stream: "s", at: 0, text: "Once upon" },
    );
    await until(() => seen.of("delta").length === 1, "first delta");
    server.cut();
    const hello = await server.nth("hello", 2);
    expect(hello).toMatchObject({ session: "session-1", lastSeq: 1 });
    await until(() => client.state === "open", "resumed");
    // The server's snapshot: all text so far (more than the client has), then live deltas.
    server.send(
      { type: "delta", stream: "s", at: 0, text: "Once upon a time" },
      { type: "delta", stream: "s", at: 16, text: ", there" },
      { type: "delta", stream: "s", at: 16, text: ", there" },
      {
        type: "message",
        seq: 2,
        replyTo: id,
        stream: "s",
        text: "Once upon a time, there",
        end: "done",
      },
    );
    await until(() => seen.of("message").length === 1, "final");
    const pieces = seen.of<DeltaEvent>("delta");
    expect(pieces.map((d) => d.delta)).toEqual(["Once upon", " a time", ", there"]);
    expect(pieces.map((d) => d.delta).join("")).toBe("Once upon a time, there");
    // Still one stream: the snapshot of a tracked stream does not open it again.
    expect(seen.of("stream")).toHaveLength(1);
  });

  it("opens tracking from a snapshot for an unknown stream, and ignores its deltas at > 0 before", async () => {
    const { server, seen } = await setup();
    server.send(
      { type: "delta", stream: "x", at: 4, text: "lost" }, // unknown, not a snapshot
      { type: "delta", stream: "x", at: 0, text: "abcd" },
      { type: "delta", stream: "x", at: 4, text: "ef" },
      { type: "message", seq: 1, stream: "x", text: "abcdef", end: "done" },
      { type: "delta", stream: "x", at: 0, text: "abcdefg" }, // after its final: ignored
      { type: "delta", stream: "y", at: 0, text: "12" },
      // The opening after the snapshot neither resets the text nor opens it twice.
      { type: "message", seq: 2, replyTo: "m9", stream: "y", text: "" },
      { type: "delta", stream: "y", at: 2, text: "3" },
      { type: "message", seq: 3, text: "sentinel" },
    );
    await until(() => seen.of("message").length === 2, "sentinel");
    expect(seen.of<StreamEvent>("stream")).toEqual([
      { stream: "x", text: "" },
      { stream: "y", text: "" },
    ]);
    expect(seen.of<DeltaEvent>("delta")).toEqual([
      { stream: "x", text: "abcd", delta: "abcd" },
      { stream: "x", text: "abcdef", delta: "ef" },
      { stream: "y", text: "12", delta: "12" },
      { stream: "y", replyTo: "m9", text: "123", delta: "3" },
    ]);
  });
});

describe("streamed replies: confirmation", () => {
  it("keeps re-sending a message whose stream opened until its final arrives", async () => {
    const { server, client, seen } = await setup();
    const reply = client.request("q");
    const { id } = await server.nth("message");
    server.send(
      { type: "message", seq: 1, replyTo: id, stream: "s", text: "" },
      { type: "delta", stream: "s", at: 0, text: "part" },
    );
    await until(() => seen.of("delta").length === 1, "delta");
    expect(client.unconfirmed).toBe(1);
    expect(seen.of("confirmed")).toEqual([]);
    // The node dies: after the reconnect the client sends the message again, same id.
    server.cut();
    const again = await server.nth("message", 2);
    expect(again).toMatchObject({ id, text: "q", conn: 1 });
    server.send({
      type: "message",
      seq: 2,
      replyTo: id,
      stream: "s",
      text: "part two",
      end: "done",
    });
    expect(await reply).toMatchObject({ seq: 2, text: "part two", end: "done" });
    expect(client.unconfirmed).toBe(0);
    expect(seen.of("confirmed")).toEqual([id]);
    // Confirmed: another reconnect does not send it again.
    server.cut();
    await server.nth("hello", 3);
    await until(() => client.state === "open", "third connection");
    expect(server.frames("message")).toHaveLength(2);
  });

  it("does not settle request() with an interrupted final: the message stays unconfirmed for the next run", async () => {
    const { server, client, seen } = await setup();
    const reply = client.request("q");
    const { id } = await server.nth("message");
    server.send(
      { type: "message", seq: 1, replyTo: id, stream: "a", text: "" },
      { type: "message", seq: 2, replyTo: id, stream: "a", text: "par", end: "interrupted" },
    );
    await until(() => seen.of("message").length === 1, "orphan's final");
    expect(client.unconfirmed).toBe(1);
    // Unconfirmed: a reconnect re-sends it (that re-send is what makes a node run it again).
    server.cut();
    expect(await server.nth("message", 2)).toMatchObject({ id, conn: 1 });
    await until(() => client.state === "open", "reconnected");
    server.send(
      { type: "message", seq: 3, replyTo: id, stream: "b", text: "" },
      { type: "delta", stream: "b", at: 0, text: "full answer" },
      { type: "message", seq: 4, replyTo: id, stream: "b", text: "full answer", end: "done" },
    );
    expect(await reply).toMatchObject({ seq: 4, stream: "b", text: "full answer", end: "done" });
    expect(seen.of<BotMessage>("message").map((m) => m.end)).toEqual(["interrupted", "done"]);
    expect(client.unconfirmed).toBe(0);
  });

  it("is settled by a repeat of an interrupted final that the re-send brought back", async () => {
    const { server, client, seen } = await setup();
    const reply = client.request("q");
    const { id } = await server.nth("message");
    const final = {
      type: "message",
      seq: 2,
      replyTo: id,
      stream: "a",
      text: "p",
      end: "interrupted",
    };
    server.send({ type: "message", seq: 1, replyTo: id, stream: "a", text: "" }, final);
    await until(() => seen.of("message").length === 1, "final");
    server.cut();
    await server.nth("message", 2);
    await until(() => client.state === "open", "reconnected");
    // The server recorded that final as the answer: it replays it (seq 2 again).
    server.send(final);
    expect(await reply).toMatchObject({ seq: 2, end: "interrupted" });
    expect(client.unconfirmed).toBe(0);
    expect(seen.of("message")).toHaveLength(1); // the repeat is not shown again
  });
});

describe("client.stream()", () => {
  it("yields the growing text, then the final's text, and resolves final", async () => {
    const { server, client } = await setup();
    // The handle does not depend on the client's public listeners.
    client.removeAllListeners();
    const reply = client.stream("q", { lang: "en" });
    const { yielded, done } = collect(reply);
    const sent = await server.nth("message");
    expect(sent).toMatchObject({ id: reply.id, text: "q", data: { lang: "en" } });
    server.send({ type: "message", seq: 1, replyTo: reply.id, stream: "s", text: "" });
    let text = "";
    for (const piece of ["The ", "quick ", "fox"]) {
      server.send({ type: "delta", stream: "s", at: text.length, text: piece });
      text += piece;
      await until(() => yielded.length > 0 && yielded.at(-1) === text, `text "${text}"`);
    }
    server.send({
      type: "message",
      seq: 2,
      replyTo: reply.id,
      stream: "s",
      text: "The quick fox.",
      end: "done",
      data: { n: 1 },
    });
    await done;
    expect(yielded).toEqual(["The ", "The quick ", "The quick fox", "The quick fox."]);
    expect(await reply.final).toEqual({
      seq: 2,
      replyTo: reply.id,
      stream: "s",
      text: "The quick fox.",
      end: "done",
      data: { n: 1 },
    });
  });

  it("yields a non-streamed reply's text once, and final is that reply", async () => {
    const { server, client } = await setup();
    const reply = client.stream("q");
    const { yielded, done } = collect(reply);
    await server.nth("message");
    server.send({ type: "message", seq: 1, replyTo: reply.id, text: "plain" });
    await done;
    expect(yielded).toEqual(["plain"]);
    expect((await reply.final).text).toBe("plain");
  });

  it("throws the error frame about it from the loop and rejects final, with no unhandled rejection", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    cleanup.push(() => process.off("unhandledRejection", onUnhandled));
    const { server, client } = await setup();
    const reply = client.stream("q");
    await server.nth("message");
    server.send(
      { type: "message", seq: 1, replyTo: reply.id, stream: "s", text: "" },
      { type: "delta", stream: "s", at: 0, text: "so far" },
      { type: "error", code: "internal", message: "internal error", replyTo: reply.id },
    );
    const yielded: string[] = [];
    const error = await (async () => {
      for await (const text of reply) yielded.push(text);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ code: "internal", replyTo: reply.id });
    expect(yielded).toEqual(["so far"]);
    // Only iterated, never awaited: final's rejection must not surface as unhandled.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(unhandled).toEqual([]);
    await expect(reply.final).rejects.toBe(error);
  });

  it("leaving the loop early does not cancel; cancel() does", async () => {
    const { server, client } = await setup();
    const reply = client.stream("q");
    await server.nth("message");
    server.send(
      { type: "message", seq: 1, replyTo: reply.id, stream: "s", text: "" },
      { type: "delta", stream: "s", at: 0, text: "first" },
    );
    for await (const text of reply) {
      expect(text).toBe("first");
      break;
    }
    server.send({ type: "message", seq: 2, text: "sentinel" });
    await until(() => client.lastSeq === 2, "sentinel");
    expect(server.frames("cancel")).toEqual([]);
    reply.cancel();
    expect(await server.nth("cancel")).toMatchObject({ id: reply.id });
    server.send({
      type: "message",
      seq: 3,
      replyTo: reply.id,
      stream: "s",
      text: "first",
      end: "cancelled",
    });
    expect(await reply.final).toMatchObject({ end: "cancelled", text: "first" });
    // A second loop after the end sees the final text once.
    const again: string[] = [];
    for await (const text of reply) again.push(text);
    expect(again).toEqual(["first"]);
  });

  it("restarts request()'s timeout with each delta: it bounds silence, not the answer's length", async () => {
    const { server, client } = await setup();
    const reply = client.request("q", undefined, { timeoutMs: 150 });
    const { id } = await server.nth("message");
    server.send({ type: "message", seq: 1, replyTo: id, stream: "s", text: "" });
    for (let i = 0; i < 5; i++) {
      await new Promise((resolve) => setTimeout(resolve, 60));
      server.send({ type: "delta", stream: "s", at: i, text: "x" });
    }
    server.send({ type: "message", seq: 2, replyTo: id, stream: "s", text: "xxxxx", end: "done" });
    expect((await reply).text).toBe("xxxxx");
    const silent = client.request("q2", undefined, { timeoutMs: 50 });
    await expect(silent).rejects.toMatchObject({ name: "RequestTimeoutError" });
  });
});
