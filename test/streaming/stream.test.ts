import { streamText } from "ai";
import { MockLanguageModelV3, simulateReadableStream } from "ai/test";
import { afterEach, describe, expect, it } from "vitest";
import { Bot } from "../../src/index.js";
import { createTestClient } from "../../src/testing/index.js";
import { reassemble, slowTokens, streamMessages, tokens } from "./helpers.js";

let bot: Bot;
afterEach(async () => {
  await bot?.stop();
});

describe("ctx.replyStream", () => {
  it("sends an opening message, coalesced deltas that add up byte for byte, and one final", async () => {
    const parts = tokens(200);
    const whole = parts.join("");
    bot = new Bot({ logger: false, streaming: { deltaIntervalMs: 10 } });
    let resolved: unknown;
    bot.on("message", async (ctx) => {
      resolved = await ctx.replyStream(slowTokens(parts, 0));
    });
    const client = createTestClient(bot);
    const replies = await client.send("go");
    const { openings, finals } = streamMessages(client.messages);
    expect(openings).toHaveLength(1);
    expect(openings[0]).toMatchObject({ replyTo: client.lastMessageId, text: "", seq: 1 });
    expect(finals).toHaveLength(1);
    const final = finals[0];
    expect(final).toMatchObject({ stream: openings[0]?.stream, text: whole, end: "done", seq: 2 });
    // send() answers with the final only.
    expect(replies).toHaveLength(1);
    expect(replies[0]?.text).toBe(whole);
    const stream = String(openings[0]?.stream);
    const { text, repeats, holes } = reassemble(client.deltas, stream);
    expect(text).toBe(whole);
    expect({ repeats, holes }).toEqual({ repeats: 0, holes: 0 });
    // Coalesced: far fewer frames than tokens, each continuing where the last one ended.
    expect(client.deltas.length).toBeLessThan(parts.length / 2);
    let at = 0;
    for (const d of client.deltas) {
      expect(d.at).toBe(at);
      at += d.text.length;
    }
    expect(resolved).toEqual({
      seq: 2,
      stream,
      text: whole,
      end: "done",
      replyTo: client.lastMessageId,
    });
    // No delta after the final.
    const finalIndex = client.frames.findIndex((f) => f.type === "message" && f.end === "done");
    expect(client.frames.slice(finalIndex).some((f) => f.type === "delta")).toBe(false);
  });

  it("takes a ReadableStream, and the AI SDK's streamText() with its mock model", async () => {
    bot = new Bot({ logger: false });
    bot.command("rs", (ctx) =>
      ctx.replyStream(
        new ReadableStream<string>({
          start(controller) {
            for (const piece of ["a", "bc", "😀"]) controller.enqueue(piece);
            controller.close();
          },
        }),
        { data: { source: "rs" } },
      ),
    );
    const chunks = ["The ", "model ", "says ", "hello ", "🌍"];
    bot.command("ai", (ctx) => {
      const model = new MockLanguageModelV3({
        doStream: async () => ({
          stream: simulateReadableStream({
            chunks: [
              { type: "stream-start", warnings: [] },
              { type: "text-start", id: "t" },
              ...chunks.map((delta) => ({ type: "text-delta" as const, id: "t", delta })),
              { type: "text-end", id: "t" },
              {
                type: "finish",
                finishReason: { unified: "stop", raw: "stop" },
                usage: {
                  inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
                  outputTokens: { total: 5, text: 5, reasoning: 0 },
                },
              },
            ],
          }),
        }),
      });
      return ctx.replyStream(streamText({ model, prompt: "hi", abortSignal: ctx.signal }));
    });
    const client = createTestClient(bot);
    const [rs] = await client.send("/rs");
    expect(rs).toMatchObject({ text: "abc😀", end: "done", data: { source: "rs" } });
    const [ai] = await client.send("/ai");
    expect(ai).toMatchObject({ text: chunks.join(""), end: "done" });
  });

  it("splits a chunk longer than maxDeltaChars and stops a stream past maxStreamChars", async () => {
    bot = new Bot({ logger: false, streaming: { maxDeltaChars: 100, maxStreamChars: 1000 } });
    const errors: unknown[] = [];
    bot.catch((e) => errors.push(e.error));
    bot.command("big", (ctx) => ctx.replyStream(["x".repeat(450)]));
    bot.command("huge", (ctx) =>
      ctx.replyStream(slowTokens(["y".repeat(600), "z".repeat(600)], 0)),
    );
    const client = createTestClient(bot);
    const [big] = await client.send("/big");
    const bigDeltas = client.deltas.filter((d) => d.stream === big?.stream);
    expect(bigDeltas.map((d) => d.text.length)).toEqual([100, 100, 100, 100, 50]);
    expect(bigDeltas.map((d) => d.at)).toEqual([0, 100, 200, 300, 400]);
    const replies = await client.send("/huge");
    const final = replies.find((r) => r.type === "message");
    expect(final).toMatchObject({ end: "failed", text: "y".repeat(600) + "z".repeat(400) });
    expect(replies.find((r) => r.type === "error")).toMatchObject({ code: "internal" });
    expect(String(errors[0])).toMatch(/maxStreamChars/);
  });

  it("a source that throws ends the stream failed with the text so far, reported once", async () => {
    bot = new Bot({ logger: false });
    const errors: unknown[] = [];
    bot.catch((e) => errors.push(e.error));
    bot.on("message", (ctx) =>
      ctx.replyStream(
        (async function* () {
          yield "part one, ";
          yield "part two";
          throw new Error("model exploded: secret-key-123");
        })(),
      ),
    );
    const client = createTestClient(bot);
    const replies = await client.send("go");
    expect(replies.filter((r) => r.type === "message")).toEqual([
      expect.objectContaining({ text: "part one, part two", end: "failed" }),
    ]);
    const error = replies.find((r) => r.type === "error");
    expect(error).toMatchObject({ code: "internal", message: "internal error" });
    expect(JSON.stringify(client.frames)).not.toContain("secret-key-123");
    expect(errors).toHaveLength(1);
  });

  it("refuses what is not a source with a TypeError before anything is sent", async () => {
    bot = new Bot({ logger: false });
    const errors: unknown[] = [];
    bot.catch((e) => errors.push(e.error));
    bot.on("message", (ctx) => ctx.replyStream(42 as never));
    const client = createTestClient(bot);
    const replies = await client.send("go");
    expect(replies.map((r) => r.type)).toEqual(["error"]);
    expect(client.messages).toHaveLength(0);
    expect(errors[0]).toBeInstanceOf(TypeError);
  });

  it("a source that never yields is ended by turnTimeoutMs: final failed, the session freed", async () => {
    bot = new Bot({ logger: false, turnTimeoutMs: 150 });
    bot.command("hang", (ctx) => ctx.replyStream(new ReadableStream<string>({})));
    bot.command("ping", (ctx) => ctx.reply("pong"));
    const client = createTestClient(bot);
    const hung = client.send("/hang");
    const [pong] = await client.send("/ping");
    expect(pong?.text).toBe("pong");
    const replies = await hung;
    expect(replies.find((r) => r.type === "error")).toMatchObject({ code: "internal" });
    const { finals } = streamMessages(client.messages);
    expect(finals).toEqual([expect.objectContaining({ end: "failed", text: "" })]);
  });

  it("a stopping bot ends an open stream interrupted; the final is in the outbox for the resume", async () => {
    bot = new Bot({ logger: false, stopTimeoutMs: 200 });
    let signal: AbortSignal | undefined;
    bot.on("message", async (ctx) => {
      signal = ctx.signal;
      await ctx.replyStream(slowTokens(tokens(100_000), 2, ctx.signal));
    });
    const client = createTestClient(bot);
    void client.send("go");
    await new Promise((r) => setTimeout(r, 50));
    await bot.stop();
    expect(signal?.aborted).toBe(true);
    expect(client.closed?.code).toBe(1001);
    const lastSeq = Math.max(...client.messages.map((m) => m.seq));
    const again = createTestClient(bot, { session: String(client.session), lastSeq });
    await new Promise((r) => setTimeout(r, 20));
    const { finals } = streamMessages(again.messages);
    expect(finals).toHaveLength(1);
    expect(finals[0]?.end).toBe("interrupted");
    expect(tokens(100_000).join("").startsWith(String(finals[0]?.text))).toBe(true);
  });
});
