import { afterEach, describe, expect, it } from "vitest";
import { Bot, type Context, TurnCancelledError } from "../../src/index.js";
import { createTestClient } from "../../src/testing/index.js";
import { until } from "../helpers/until.js";
import { reassemble, slowTokens, tokens } from "./helpers.js";

let bot: Bot;
afterEach(async () => {
  await bot?.stop();
});

function finalIndex(frames: readonly { type: string; end?: string }[]) {
  return frames.findIndex((f) => f.type === "message" && f.end !== undefined);
}

describe("cancel", () => {
  it("mid-stream: the handler's signal aborts, the final is cancelled with the text so far, nothing follows", async () => {
    bot = new Bot({ logger: false, streaming: { deltaIntervalMs: 1 } });
    let signal: AbortSignal | undefined;
    bot.on("message", async (ctx) => {
      signal = ctx.signal;
      await ctx.replyStream(slowTokens(tokens(10_000), 1));
    });
    const client = createTestClient(bot);
    const done = client.send("go");
    await until(() => client.deltas.length >= 3, "some deltas");
    client.cancel();
    const replies = await done;
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBeInstanceOf(TurnCancelledError);
    expect(replies).toHaveLength(1);
    const final = replies[0];
    expect(final?.end).toBe("cancelled");
    const stream = String(final?.stream);
    expect(final?.text).toBe(reassemble(client.deltas, stream).text);
    expect(final?.text).toBe(tokens(10_000).join("").slice(0, final?.text?.length));
    expect((final?.text ?? "").length).toBeGreaterThan(0);
    // Nothing after the final, even a while later.
    await new Promise((r) => setTimeout(r, 50));
    const idx = finalIndex(client.frames);
    expect(client.frames.slice(idx + 1).filter((f) => f.type !== "activity")).toEqual([]);
  });

  it("before the first delta: the final is cancelled and empty; the handler saw its signal abort", async () => {
    bot = new Bot({ logger: false });
    let started!: () => void;
    const running = new Promise<void>((r) => {
      started = r;
    });
    bot.on("message", (ctx) =>
      ctx.replyStream(
        (async function* () {
          started();
          // A model that has not answered yet: waits until the turn is cancelled.
          await new Promise((r) => ctx.signal.addEventListener("abort", r));
          yield "too late";
        })(),
      ),
    );
    const client = createTestClient(bot);
    const done = client.send("go");
    await running;
    client.cancel();
    const [final] = await done;
    expect(final).toMatchObject({ end: "cancelled", text: "" });
    expect(client.deltas).toEqual([]);
  });

  it("a cancel that arrives while the message is still queued aborts it when it starts", async () => {
    bot = new Bot({ logger: false });
    const seen: Array<{ text: string | undefined; aborted: boolean }> = [];
    bot.on("message", async (ctx) => {
      seen.push({ text: ctx.text, aborted: ctx.signal.aborted });
      await new Promise((r) => setTimeout(r, 30));
    });
    const client = createTestClient(bot);
    const first = client.send("first");
    const second = client.send("second");
    client.cancel(client.lastMessageId);
    await Promise.all([first, second]);
    expect(seen).toEqual([
      { text: "first", aborted: false },
      { text: "second", aborted: true },
    ]);
  });

  it("a handler that ignores its signal is let go after cancelGraceMs, quietly", async () => {
    bot = new Bot({ logger: false, streaming: { cancelGraceMs: 50 } });
    const errors: unknown[] = [];
    bot.catch((e) => errors.push(e.error));
    bot.command("stuck", () => new Promise(() => undefined));
    bot.command("ping", (ctx) => ctx.reply("pong"));
    const client = createTestClient(bot);
    const stuck = client.send("/stuck");
    await new Promise((r) => setTimeout(r, 20));
    client.cancel();
    const [pong] = await client.send("/ping");
    expect(pong?.text).toBe("pong");
    const replies = await stuck;
    // Cancelled is not failed: no error frame, nothing reported.
    expect(replies.filter((r) => r.type === "error")).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("a handler that stops by throwing its signal's reason is not reported as failing", async () => {
    bot = new Bot({ logger: false });
    const errors: unknown[] = [];
    bot.catch((e) => errors.push(e.error));
    bot.on("message", async (ctx: Context) => {
      await new Promise((_, reject) =>
        ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason)),
      );
    });
    const client = createTestClient(bot);
    const done = client.send("go");
    await new Promise((r) => setTimeout(r, 20));
    client.cancel();
    const replies = await done;
    expect(replies.filter((r) => r.type === "error")).toEqual([]);
    expect(errors).toEqual([]);
    expect(client.frames.some((f) => f.type === "receipt")).toBe(true);
  });

  it("bad cancels change nothing and are not violations: unknown id, another session's id, malformed", async () => {
    bot = new Bot({ logger: false, limits: { maxViolations: 3 } });
    let signal: AbortSignal | undefined;
    bot.on("message", async (ctx) => {
      signal = ctx.signal;
      await ctx.replyStream(slowTokens(tokens(40), 2));
    });
    const owner = createTestClient(bot);
    const other = createTestClient(bot);
    const done = owner.send("go");
    await until(() => owner.deltas.length > 0, "a delta");
    const id = String(owner.lastMessageId);
    // Another session cancels the owner's message id; and ids that exist nowhere.
    other.cancel(id);
    for (let i = 0; i < 10; i++) other.cancel(`nope-${i}`);
    owner.cancel("unknown-id");
    const [final] = await done;
    expect(final?.end).toBe("done");
    expect(signal?.aborted).toBe(false);
    expect(other.closed).toBeUndefined();
    expect(other.frames.filter((f) => f.type === "error")).toEqual([]);
    // Malformed cancels are bad requests.
    other.raw('{"type":"cancel"}');
    other.raw('{"type":"cancel","id":""}');
    await until(() => other.frames.filter((f) => f.type === "error").length === 2, "errors");
    expect(
      other.frames.filter((f) => f.type === "error").map((f) => "code" in f && f.code),
    ).toEqual(["bad_request", "bad_request"]);
  });

  it("cancels reach the node that runs the turn, through the broker", async () => {
    const { MemoryBroker, MemoryLedger } = await import("../../src/storage/index.js");
    const { MemoryStore } = await import("../../src/index.js");
    const { resolveLimits } = await import("../../src/core/limits.js");
    const shared = {
      broker: new MemoryBroker(),
      ledger: new MemoryLedger(resolveLimits(undefined)),
      store: new MemoryStore(),
      logger: false as const,
    };
    bot = new Bot(shared);
    const other = new Bot(shared);
    let signal: AbortSignal | undefined;
    bot.on("message", async (ctx) => {
      signal = ctx.signal;
      await new Promise((r) => ctx.signal.addEventListener("abort", r));
    });
    const client = createTestClient(bot);
    const done = client.send("go");
    await until(() => signal !== undefined, "the turn to start");
    await until(() => client.session !== undefined, "welcome");
    const elsewhere = createTestClient(other, { session: String(client.session), lastSeq: 0 });
    await until(() => elsewhere.session !== undefined, "resume on the other node");
    elsewhere.cancel(String(client.lastMessageId));
    await done;
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBeInstanceOf(TurnCancelledError);
    await other.stop();
  });
});
