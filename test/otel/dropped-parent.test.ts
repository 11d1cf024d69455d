import {
  AlwaysOnSampler,
  type Sampler,
  SamplingDecision,
  type SamplingResult,
} from "@opentelemetry/sdk-trace-base";
import { afterEach, describe, expect, it } from "vitest";
import { Bot, type Context, MemoryStore, type SessionFlavor, session } from "../../src/index.js";
import { createTestClient } from "../../src/testing/index.js";
import { inMemoryOtel, metric, named, points } from "./helpers.js";

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

function makeBot(sampler: Sampler) {
  const otel = inMemoryOtel({ sampler, slowMiddlewareMs: 0 });
  const bot = new Bot<C>({ telemetry: otel.telemetry, logger: false, store: new AwaitedStore() });
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
});
