import { MeterProvider } from "@opentelemetry/sdk-metrics";
import { AlwaysOffSampler, BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { afterEach, describe, expect, it } from "vitest";
import { Bot, type Context } from "../../src/index.js";
import { openTelemetry } from "../../src/otel/index.js";
import { createTestClient } from "../../src/testing/index.js";
import { ManualReader, metric } from "./helpers.js";

// openTelemetry() with no SDK registered (the API's no-op tracer and meter) makes nothing per
// message: every message of every connection gets one shared telemetry object. With an SDK
// whose sampler drops every span, messages still get their own (metrics and sampling need it).

const bots: Bot[] = [];
afterEach(async () => {
  for (const bot of bots.splice(0)) await bot.stop();
});

async function tracesOf(bot: Bot): Promise<Set<unknown>> {
  const seen = new Set<unknown>();
  bot.on("message", (ctx: Context) => {
    seen.add(ctx.trace);
    return ctx.reply("ok");
  });
  for (const client of [createTestClient(bot), createTestClient(bot)]) {
    await client.send("hello"); // the handshake: the connection's span
    for (let i = 0; i < 5; i++) await client.send(`m${i}`);
  }
  return seen;
}

describe("openTelemetry() without an SDK", () => {
  it("gives every message one shared, recording-nothing telemetry object", async () => {
    const bot = new Bot({ logger: false, telemetry: openTelemetry() });
    bots.push(bot);
    const seen = await tracesOf(bot);
    expect(seen.size).toBe(1);
    const [trace] = [...seen] as Array<Context["trace"]>;
    expect(trace).toBeDefined();
    expect(trace?.traceparent()).toBeUndefined();
    expect(trace?.middleware).toBeUndefined();
  });

  it("with a meter SDK only, messages are measured but make no span or context", async () => {
    const reader = new ManualReader();
    const meterProvider = new MeterProvider({ readers: [reader] });
    const bot = new Bot({ logger: false, telemetry: openTelemetry({ meterProvider }) });
    bots.push(bot);
    const seen = await tracesOf(bot);
    expect(seen.size).toBe(12);
    for (const trace of seen as Set<Context["trace"]>) expect(trace?.traceparent()).toBeUndefined();
    const { resourceMetrics } = await reader.collect();
    const all = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
    const handler = metric(all, "botwire.handler.duration");
    const count = handler.dataPoints.reduce(
      (n, p) => n + ((p.value as { count?: number }).count ?? 0),
      0,
    );
    expect(count).toBe(12);
  });

  it("with a tracer SDK that samples nothing, each message still has its own", async () => {
    const tracerProvider = new BasicTracerProvider({ sampler: new AlwaysOffSampler() });
    const bot = new Bot({ logger: false, telemetry: openTelemetry({ tracerProvider }) });
    bots.push(bot);
    expect((await tracesOf(bot)).size).toBe(12);
  });
});
