import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Bot } from "../../src/index.js";
import { createTestClient } from "../../src/testing/index.js";
import { until } from "../helpers/until.js";
import { childrenOf, inMemoryOtel, named } from "./helpers.js";

const manager = new AsyncLocalStorageContextManager();
beforeAll(() => {
  context.setGlobalContextManager(manager.enable());
});
afterAll(() => {
  context.disable();
});

it("with a context manager, spans a handler starts (after awaits too) are children of botwire.message", async () => {
  const otel = inMemoryOtel();
  const bot = new Bot({ logger: false, telemetry: otel.telemetry });
  const tracer = otel.tracerProvider.getTracer("app");
  bot.command("ask", async (ctx) => {
    await new Promise((r) => setTimeout(r, 1));
    const span = tracer.startSpan("app.lookup");
    span.end();
    // The active span is the message's: an instrumented fetch would nest here.
    expect(trace.getActiveSpan()?.spanContext().spanId).toBeDefined();
    await ctx.replyStream(["streamed ", "answer"]);
  });
  const client = createTestClient(bot);
  await client.send("/ask");
  await until(() => named(otel.spans(), "botwire.message").length === 1, "message span");
  const [message] = named(otel.spans(), "botwire.message");
  const children = childrenOf(otel.spans(), message as never).map((s) => s.name);
  expect(children).toContain("app.lookup");
  expect(children).toContain("botwire.stream");
  const [stream] = named(otel.spans(), "botwire.stream");
  expect(stream?.attributes).toMatchObject({ "botwire.stream.end": "done" });
  expect(stream?.events.map((e) => e.name)).toEqual(["first delta"]);
  await bot.stop();
});
