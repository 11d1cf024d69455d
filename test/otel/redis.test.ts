import { randomUUID } from "node:crypto";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { Bot } from "../../src/index.js";
import { RedisBroker, RedisStore } from "../../src/redis/index.js";
import { MemoryTransport } from "../../src/transports/memory/transport.js";
import { redisFixture, skipWithoutRedis } from "../helpers/redis-available.js";
import { until } from "../helpers/until.js";
import { inMemoryOtel, makeTraceparent, named } from "./helpers.js";

const skip = await skipWithoutRedis("traces across nodes on Redis");
const prefix = `otel:${randomUUID()}:`;
const redis = redisFixture(prefix);
const bots: Bot[] = [];

/** A node: its own telemetry (its own exporter) and Redis connections; shared store and broker. */
async function node() {
  const otel = inMemoryOtel();
  const bot = new Bot({
    logger: false,
    telemetry: otel.telemetry,
    store: new RedisStore(redis.client(), { prefix }),
    broker: new RedisBroker(redis.client(), redis.client(), { prefix }),
  });
  bots.push(bot);
  bot.command("ask", (ctx) => ctx.reply(`answer to ${ctx.message?.id}`));
  const transport = new MemoryTransport();
  await bot.start(transport);
  return { otel, transport };
}

/** A raw client of a node: sends frames as given, keeps what it receives. */
function connect(transport: MemoryTransport) {
  const frames: Array<Record<string, unknown>> = [];
  const conn = transport.connect({
    receive: (f) => frames.push(JSON.parse(f) as Record<string, unknown>),
    closed: () => {},
  });
  return { frames, send: (frame: object) => conn.send(JSON.stringify(frame)) };
}

afterEach(async () => {
  await Promise.all(bots.splice(0).map((b) => b.stop()));
});
afterAll(() => redis.cleanup());

describe.skipIf(skip)("traces across nodes (Redis store, ledger and broker)", () => {
  it("a trace started by the client continues on the node that pushes the reply to another tab", async () => {
    const [a, b] = [await node(), await node()];
    // Tab 1 on node A; tab 2 of the same session on node B, its hello in a trace of its own.
    const tab1 = connect(a.transport);
    tab1.send({ type: "hello" });
    await until(() => tab1.frames.some((f) => f.type === "welcome"), "welcome on A");
    const session = tab1.frames.find((f) => f.type === "welcome")?.session;
    const tab2 = connect(b.transport);
    const helloTrace = makeTraceparent();
    tab2.send({ type: "hello", session, lastSeq: 0, traceparent: helloTrace.traceparent });
    await until(() => tab2.frames.some((f) => f.type === "welcome"), "welcome on B");
    expect(tab2.frames.find((f) => f.type === "welcome")?.resumed).toBe(true);

    // The browser of tab 1 starts a trace and sends its message to node A.
    const client = makeTraceparent();
    tab1.send({ type: "message", id: "q1", text: "/ask", traceparent: client.traceparent });
    const reply = (f: Record<string, unknown>) => f.type === "message" && f.replyTo === "q1";
    await until(() => tab2.frames.some(reply), "the reply reaches tab 2 through node B");

    // Node A: the message's span is in the client's trace.
    await until(() => named(a.otel.spans(), "botwire.message").length === 1, "span on A");
    const [handled] = named(a.otel.spans(), "botwire.message");
    expect(handled?.spanContext().traceId).toBe(client.traceId);
    expect(handled?.parentSpanContext?.spanId).toBe(client.spanId);
    expect(handled?.attributes["botwire.route"]).toBe("command:ask");

    // Node B: the reply arrived through the broker in the same trace, under A's message span.
    await until(() => named(b.otel.spans(), "botwire.broker.receive").length === 1, "span on B");
    const [received] = named(b.otel.spans(), "botwire.broker.receive");
    expect(received?.spanContext().traceId).toBe(client.traceId);
    expect(received?.parentSpanContext?.spanId).toBe(handled?.spanContext().spanId);

    // Tab 2 sends on node B in a trace of its own: handled there, in that trace.
    const second = makeTraceparent();
    tab2.send({ type: "message", id: "q2", text: "/ask", traceparent: second.traceparent });
    await until(() => named(b.otel.spans(), "botwire.message").length === 1, "message on B");
    const [onB] = named(b.otel.spans(), "botwire.message");
    expect(onB?.spanContext().traceId).toBe(second.traceId);
    const storage =
      onB === undefined
        ? []
        : b.otel.spans().filter((s) => s.parentSpanContext?.spanId === onB.spanContext().spanId);
    expect(storage.map((s) => s.name)).toEqual([
      "botwire.ledger.claim",
      "botwire.outbox.append",
      "botwire.ledger.settle",
    ]);
    for (const step of storage) expect(step.attributes["botwire.storage.system"]).toBe("redis");
  });
});
