import { afterEach, describe, expect, it } from "vitest";
import { Bot, type Context, rateLimit } from "../../src/index.js";
import { createTestClient } from "../../src/testing/index.js";
import { MemoryTransport } from "../../src/transports/memory/transport.js";
import { until } from "../helpers/until.js";
import { inMemoryOtel, metric, points, seriesOf } from "./helpers.js";

const bots: Bot[] = [];
afterEach(async () => {
  await Promise.all(bots.splice(0).map((b) => b.stop()));
});

function makeBot(otel: ReturnType<typeof inMemoryOtel>) {
  const bot = new Bot({
    telemetry: otel.telemetry,
    logger: false,
    streaming: { deltaIntervalMs: 1 },
    // Every test client comes from one address ("memory"): lift its budget, or how fast this
    // machine runs would decide whether the flood guard refuses some (another series).
    limits: { addressMessagesPerSecond: 1e7, addressBurst: 1e7 },
  });
  bots.push(bot);
  bot.catch(() => {});
  bot.command("limited", rateLimit({ limit: 1, windowMs: 60_000 }), (ctx) => ctx.reply("ok"));
  bot.command("boom", () => {
    throw new Error("boom");
  });
  bot.command("stream", async (ctx) => {
    async function* words() {
      for (const w of ["a ", "b ", "c"]) {
        await new Promise((r) => setTimeout(r, 2));
        yield w;
      }
    }
    await ctx.replyStream(words());
  });
  bot.hears("hi", (ctx) => ctx.reply("hello"));
  bot.on("message", (ctx) => ctx.reply("?"));
  return bot;
}

/** Runs `sessions` clients, each one message of a few kinds, a second to half; closes them. */
async function conversation(sessions: number) {
  const otel = inMemoryOtel();
  const bot = makeBot(otel);
  const script = ["/limited", "/boom", "hi", "anything", "/stream"];
  const batch = 500;
  for (let start = 0; start < sessions; start += batch) {
    const clients = Array.from({ length: Math.min(batch, sessions - start) }, () =>
      createTestClient(bot),
    );
    await Promise.all(
      clients.map(async (client, i) => {
        await client.send(script[(start + i) % script.length]);
        // The rate limit is per session: a second /limited is refused.
        if ((start + i) % script.length === 0) await client.send("/limited");
      }),
    );
    await Promise.all(clients.map((c) => c.close()));
  }
  await until(() => bot.connectionCount === 0, "all closed", 60_000);
  return otel.metrics();
}

describe("metrics", () => {
  it("the series count is the same for 10 and 10 000 sessions (no ids in attributes)", async () => {
    const small = seriesOf(await conversation(10));
    const large = seriesOf(await conversation(10_000));
    expect(large).toEqual(small);
    expect(small.length).toBeLessThan(60);
    expect(small.join("\n")).not.toMatch(/session|user|connection\.id/);
  }, 120_000);

  it("counts messages, routes, errors, refusals, closes and streams with OTel units", async () => {
    const all = await conversation(10);
    const unit = (name: string) => metric(all, name).descriptor.unit;
    expect(unit("botwire.messages.received")).toBe("{message}");
    expect(unit("botwire.handler.duration")).toBe("s");
    expect(unit("botwire.send_buffer.size")).toBe("By");
    expect(points(metric(all, "botwire.messages.received"))).toEqual([[{}, 12]]);
    expect(points(metric(all, "botwire.connections.open"))).toEqual([[{}, 0]]);
    expect(points(metric(all, "botwire.connections.closed"))).toEqual([
      [{ "botwire.close.code": "1000" }, 10],
    ]);
    const routes = points(metric(all, "botwire.handler.duration")).map(([a]) => a);
    expect(routes).toContainEqual({ "botwire.route": "hears:hi", "botwire.outcome": "ok" });
    expect(routes).toContainEqual({
      "botwire.route": "command:boom",
      "botwire.outcome": "error",
      "error.type": "internal",
    });
    expect(points(metric(all, "botwire.rate_limit.refusals"))).toEqual([
      [{ "botwire.limit.scope": "bot" }, 2],
    ]);
    expect(points(metric(all, "botwire.streams"))).toEqual([[{ "botwire.stream.end": "done" }, 2]]);
    const [[, ttfd]] = points(metric(all, "botwire.stream.time_to_first_delta")) as [
      [unknown, { count: number }],
    ];
    expect(ttfd.count).toBe(2);
    expect(points(metric(all, "botwire.outbox.depth"))).toEqual([[{}, 0]]);
  }, 60_000);

  it("keeps routes bounded: past maxRoutes they are reported as other", async () => {
    const otel = inMemoryOtel({ maxRoutes: 2 });
    const bot = new Bot({ telemetry: otel.telemetry, logger: false });
    bots.push(bot);
    for (const name of ["a", "b", "c", "d"]) bot.command(name, (ctx) => ctx.reply(name));
    const client = createTestClient(bot);
    for (const name of ["a", "b", "c", "d"]) await client.send(`/${name}`);
    const routes = points(metric(await otel.metrics(), "botwire.handler.duration"))
      .map(([a]) => a["botwire.route"])
      .sort();
    expect(routes).toEqual(["command:a", "command:b", "other"]);
  });
});

describe("refusals", () => {
  it("counts frames the connection's flood guard refuses, and bad frames, by code", async () => {
    const otel = inMemoryOtel();
    const bot = new Bot({
      telemetry: otel.telemetry,
      logger: false,
      limits: { addressMessagesPerSecond: 0.001, addressBurst: 1 },
    });
    bots.push(bot);
    bot.on("message", (ctx) => ctx.reply("ok"));
    const transport = new MemoryTransport();
    await bot.start(transport);
    const frames: Array<{ type: string; code?: string }> = [];
    const conn = transport.connect({
      receive: (f) => frames.push(JSON.parse(f)),
      closed: () => {},
    });
    // Sent in one go: the address's burst of one lets the first through.
    for (const text of ["a", "b", "c"]) conn.send(JSON.stringify({ type: "message", text }));
    conn.send("{not json");
    await until(() => frames.filter((f) => f.type === "error").length === 3, "three errors");
    const all = await otel.metrics();
    expect(points(metric(all, "botwire.rate_limit.refusals"))).toEqual([
      [{ "botwire.limit.scope": "connection" }, 2],
    ]);
    expect(points(metric(all, "botwire.errors")).sort()).toEqual([
      [{ "error.type": "bad_request" }, 1],
      [{ "error.type": "rate_limited" }, 2],
    ]);
  });
});

describe("cost when off", () => {
  it("a bot without telemetry makes no telemetry object per message; with it, one each", async () => {
    const calls = { connection: 0, message: 0, step: 0 };
    const span = { end() {} };
    const fake = {
      attach() {},
      connection: () => {
        calls.connection++;
        return { hello() {}, welcomed() {}, closed() {} };
      },
      message: () => {
        calls.message++;
        return {
          step: () => {
            calls.step++;
            return span;
          },
          run: <T>(chain: () => T) => chain(),
          answered() {},
          end() {},
          traceparent: () => undefined,
          middleware: () => () => {},
          stream: () => ({ delta() {}, end() {} }),
        };
      },
      sent() {},
      refused() {},
      remote() {},
    };
    const seen: Array<unknown> = [];
    const handler = (ctx: Context) => {
      seen.push(ctx.trace);
      return ctx.reply("ok");
    };
    const off = new Bot({ logger: false });
    const on = new Bot({ logger: false, telemetry: fake });
    bots.push(off, on);
    off.on("message", handler);
    on.on("message", handler);
    const a = createTestClient(off);
    for (let i = 0; i < 20; i++) await a.send(`m${i}`);
    expect(seen.every((t) => t === undefined)).toBe(true);
    expect(calls).toEqual({ connection: 0, message: 0, step: 0 });
    const b = createTestClient(on);
    for (let i = 0; i < 20; i++) await b.send(`m${i}`);
    expect(calls.connection).toBe(1);
    expect(calls.message).toBe(20);
    expect(calls.step).toBe(20 * 3); // claim, append, settle: a bounded number per message
  });
});
