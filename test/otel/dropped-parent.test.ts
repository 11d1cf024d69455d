import {
  AlwaysOnSampler,
  type Sampler,
  SamplingDecision,
  type SamplingResult,
} from "@opentelemetry/sdk-trace-base";
import { afterEach, describe, expect, it } from "vitest";
import { Bot, type Context, MemoryStore, type SessionFlavor, session } from "../../src/index.js";
import { MemoryLedger } from "../../src/storage/index.js";
import { createTestClient } from "../../src/testing/index.js";
import { inMemoryOtel, metric, named, points, rawClient } from "./helpers.js";

// A message whose span the sampler drops makes no child spans (session calls, slow
// middleware, a streamed reply): under the SDK's default parent-based sampler they would be
// dropped too, and each would still cost its ids and a sampler call. Their metrics stay.

type C = Context & SessionFlavor<{ n: number }>;

/** Records every span but the message's, so a child made anyway would show up. */
class DropMessages implements Sampler {
  shouldSample(_c: unknown, _t: string, name: string): SamplingResult {
    return {
      decision:
        name === "botwire.message"
          ? SamplingDecision.NOT_RECORD
          : SamplingDecision.RECORD_AND_SAMPLED,
    };
  }
  toString(): string {
    return "DropMessages";
  }
}

/** A MemoryStore the session middleware treats as any store: loads and saves are awaited. */
class AwaitedStore extends MemoryStore {}

const bots: Bot<C>[] = [];
afterEach(async () => {
  await Promise.all(bots.splice(0).map((b) => b.stop()));
});

/** An in-memory ledger under another name: its calls are timed as any shared ledger's. */
class TimedLedger extends MemoryLedger {
  failClaims = 0;
  override claim(session: string, id: string) {
    if (this.failClaims > 0) {
      this.failClaims--;
      throw new Error("ledger down");
    }
    return super.claim(session, id);
  }
}

function makeBot(sampler: Sampler, ledger?: TimedLedger) {
  const otel = inMemoryOtel({ sampler, slowMiddlewareMs: 0 });
  const bot = new Bot<C>({
    telemetry: otel.telemetry,
    logger: false,
    store: new AwaitedStore(),
    ...(ledger !== undefined && { ledger }),
  });
  bots.push(bot);
  bot.use(session({ initial: () => ({ n: 0 }) }));
  bot.use((_ctx, next) => next());
  bot.command("count", (ctx) => ctx.reply(`#${++ctx.session.n}`));
  bot.command("tell", (ctx) => ctx.replyStream(["once ", "upon"]));
  return { bot, otel };
}

describe("a message span the sampler dropped", () => {
  it("has no child spans, and its storage durations are still recorded", async () => {
    const { bot, otel } = makeBot(new DropMessages());
    const client = createTestClient(bot);
    expect((await client.send("/count"))[0]?.text).toBe("#1");
    expect((await client.send("/tell"))[0]?.text).toBe("once upon");
    await client.close();
    await expect.poll(() => named(otel.spans(), "botwire.connection").length).toBe(1);
    expect(otel.spans().map((s) => s.name)).toEqual(["botwire.connection"]);
    const all = await otel.metrics();
    const loads = points(metric(all, "botwire.storage.duration")).filter(
      ([a]) => a["botwire.storage.operation"] === "session.load",
    );
    expect(loads).toHaveLength(1);
    expect(loads[0]?.[1]).toMatchObject({ count: 2 });
    expect(points(metric(all, "botwire.stream.time_to_first_delta"))).toHaveLength(1);
  });

  it("a recorded one has them all (the same bot, every span sampled)", async () => {
    const { bot, otel } = makeBot(new AlwaysOnSampler());
    const client = createTestClient(bot);
    await client.send("/count");
    await client.send("/tell");
    await client.close();
    await expect.poll(() => named(otel.spans(), "botwire.connection").length).toBe(1);
    const names = otel.spans().map((s) => s.name);
    expect(names.filter((n) => n === "botwire.session.load")).toHaveLength(2);
    expect(names.filter((n) => n === "botwire.middleware").length).toBeGreaterThanOrEqual(4);
    expect(names).toContain("botwire.stream");
  });

  it("times a shared ledger's calls without spans, and a failed claim still fails the message", async () => {
    const ledger = new TimedLedger({
      outboxMessages: 100,
      outboxBytes: 1e6,
      outboxAgeMs: 60_000,
      dedupWindow: 100,
      sessionTtlMs: 60_000,
      ledgerBytes: 1e7,
    });
    const { bot, otel } = makeBot(new DropMessages(), ledger);
    const { frames, send } = await rawClient(bot);
    send({ type: "hello" });
    send({ type: "message", id: "m1", text: "/count" });
    await expect.poll(() => frames.filter((f) => f.type === "message").length).toBe(1);
    ledger.failClaims = 1;
    send({ type: "message", id: "m2", text: "/count" });
    await expect.poll(() => frames.filter((f) => f.type === "error").length).toBe(1);
    expect(otel.spans().filter((s) => s.name !== "botwire.connection")).toEqual([]);
    const all = await otel.metrics();
    const ops = points(metric(all, "botwire.storage.duration")).map(
      ([a]) => a["botwire.storage.operation"],
    );
    expect(ops).toEqual(expect.arrayContaining(["ledger.claim", "outbox.append", "ledger.settle"]));
    expect(points(metric(all, "botwire.errors"))).toEqual([[{ "error.type": "internal" }, 1]]);
  });

  it("still carries its trace, not sampled, to the other nodes", () => {
    const { telemetry } = inMemoryOtel({ sampler: new DropMessages() });
    telemetry.attach(
      { connections: () => [], sessions: () => 0 } as never,
      { ledger: "memory" } as never,
    );
    const connection = telemetry.connection("c1");
    connection.hello(undefined);
    const message = telemetry.message(connection, undefined, Date.now());
    expect(message.traceparent()).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
  });

  it("a step or middleware that ends after the message span ended keeps its span when sampled", async () => {
    const otel = inMemoryOtel({ sampler: new AlwaysOnSampler(), slowMiddlewareMs: 0 });
    const bot = new Bot<C>({ telemetry: otel.telemetry, logger: false, turnTimeoutMs: 50 });
    bots.push(bot);
    bot.use(async (_ctx, next) => {
      await new Promise((r) => setTimeout(r, 200));
      await next();
    });
    bot.on("message", (ctx) => ctx.reply("late"));
    const client = createTestClient(bot);
    await client.send("hi").catch(() => undefined);
    await expect
      .poll(() => named(otel.spans(), "botwire.middleware").length, { timeout: 2000 })
      .toBe(1);
    const [message] = named(otel.spans(), "botwire.message");
    const [middleware] = named(otel.spans(), "botwire.middleware");
    expect(middleware?.parentSpanContext?.spanId).toBe(message?.spanContext().spanId);
  });
});
