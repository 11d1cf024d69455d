import { afterEach, describe, expect, it } from "vitest";
import { BotClient } from "../../src/client/node.js";
import { Bot } from "../../src/index.js";
import { fast, type Served, serveBot } from "../client/helpers.js";
import { inMemoryOtel, makeTraceparent, named } from "./helpers.js";

// BotClient's `traceparent` option: the app's trace goes out with hello and each message,
// and the server's connection and message spans continue it.

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

describe("BotClient traceparent", () => {
  it("continues the app's trace in the connection and message spans", async () => {
    const otel = inMemoryOtel();
    const bot = new Bot({ telemetry: otel.telemetry });
    bot.on("message", (ctx) => ctx.reply(`got ${ctx.text}`));
    const served: Served = await serveBot(bot);
    cleanup.push(() => served.stop());
    const connect = makeTraceparent();
    let current = connect.traceparent;
    const client = new BotClient(served.url, { ...fast, traceparent: () => current });
    cleanup.push(() => client.close());
    await client.connect();
    const first = makeTraceparent();
    current = first.traceparent;
    await client.request("one");
    // A function that returns something malformed sends nothing (the message starts a trace).
    current = "00-not-a-trace";
    await client.request("two");
    await client.close();
    await expect.poll(() => named(otel.spans(), "botwire.connection").length).toBe(1);
    const [connection] = named(otel.spans(), "botwire.connection");
    expect(connection?.spanContext().traceId).toBe(connect.traceId);
    expect(connection?.parentSpanContext?.spanId).toBe(connect.spanId);
    const messages = named(otel.spans(), "botwire.message");
    expect(messages).toHaveLength(2);
    expect(messages[0]?.spanContext().traceId).toBe(first.traceId);
    expect(messages[0]?.parentSpanContext?.spanId).toBe(first.spanId);
    expect(messages[1]?.parentSpanContext).toBeUndefined();
  });

  it("a traceparent function that throws sends no trace and breaks nothing", async () => {
    const otel = inMemoryOtel();
    const bot = new Bot({ telemetry: otel.telemetry });
    bot.on("message", (ctx) => ctx.reply(`got ${ctx.text}`));
    const served: Served = await serveBot(bot);
    cleanup.push(() => served.stop());
    const client = new BotClient(served.url, {
      ...fast,
      traceparent: () => {
        throw new Error("tracing is broken");
      },
    });
    cleanup.push(() => client.close());
    await client.connect();
    expect((await client.request("one")).text).toBe("got one");
    await client.close();
    await expect.poll(() => named(otel.spans(), "botwire.message").length).toBe(1);
    expect(named(otel.spans(), "botwire.message")[0]?.parentSpanContext).toBeUndefined();
  });

  it("refuses a traceparent option that is not a function", () => {
    expect(
      () => new BotClient("ws://127.0.0.1:1", { traceparent: "00-x" as unknown as () => string }),
    ).toThrow(/traceparent must be a function/);
  });
});
