import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { afterEach, describe, expect, it } from "vitest";
import { Bot, type Context, MemoryStore, type SessionFlavor, session } from "../../src/index.js";
import { createTestClient } from "../../src/testing/index.js";
import { until } from "../helpers/until.js";
import { childrenOf, inMemoryOtel, makeTraceparent, named, rawClient } from "./helpers.js";

type C = Context & SessionFlavor<{ n: number }>;
const bots: Bot<C>[] = [];
afterEach(async () => {
  await Promise.all(bots.splice(0).map((b) => b.stop()));
});

/** A MemoryStore the session middleware treats as any store: loads and saves are awaited. */
class AwaitedStore extends MemoryStore {}

function makeBot(otel: ReturnType<typeof inMemoryOtel>) {
  const bot = new Bot<C>({ telemetry: otel.telemetry, logger: false, store: new AwaitedStore() });
  bots.push(bot);
  bot.use(session({ initial: () => ({ n: 0 }) }));
  bot.command("count", (ctx) => ctx.reply(`#${++ctx.session.n}`));
  bot.hears("hi", (ctx) => ctx.reply("hello"));
  bot.command("signup", (ctx) => ctx.dialog.enter("signup"));
  bot.dialog("signup", [(ctx) => ctx.reply("name?"), (ctx) => ctx.reply(`thanks ${ctx.text}`)]);
  bot.command("boom", (ctx) => {
    throw new Error(`handler failed on ${ctx.text}`);
  });
  bot.on("message", (ctx) => ctx.reply("?"));
  return bot;
}

describe("spans", () => {
  it("one message yields its span tree with the route and the outcome", async () => {
    const otel = inMemoryOtel();
    const client = createTestClient(makeBot(otel));
    const [reply] = await client.send("/count");
    expect(reply?.text).toBe("#1");
    await until(() => named(otel.spans(), "botwire.message").length === 1, "message span");
    await client.close();
    await until(() => named(otel.spans(), "botwire.connection").length === 1, "connection span");
    const spans = otel.spans();
    const [message] = named(spans, "botwire.message");
    expect(message?.kind).toBe(SpanKind.SERVER);
    expect(message?.attributes).toMatchObject({
      "botwire.route": "command:count",
      "botwire.outcome": "ok",
    });
    expect(message?.status.code).not.toBe(SpanStatusCode.ERROR);
    // The session store's calls; the in-memory ledger's take microseconds and get no span
    // (test/otel/redis.test.ts checks the ledger's steps on Redis).
    const steps = childrenOf(spans, message as never).map((s) => s.name);
    expect(steps).toEqual(["botwire.session.load", "botwire.session.save"]);
    for (const step of childrenOf(spans, message as never)) {
      expect(step.spanContext().traceId).toBe(message?.spanContext().traceId);
    }
    const connection = named(spans, "botwire.connection")[0];
    expect(connection?.attributes).toMatchObject({
      "botwire.session.resumed": false,
      "botwire.close.code": 1000,
    });
    // The message links to its connection's span.
    expect(message?.links.map((l) => l.context.spanId)).toEqual([connection?.spanContext().spanId]);
    // Never the session id (a resume credential) nor the text in any attribute.
    const dump = JSON.stringify(spans.map((s) => [s.attributes, s.events, s.status]));
    expect(dump).not.toContain(String(client.session));
    expect(dump).not.toContain("/count");
  });

  it("records which hears, dialog step or fallback answered", async () => {
    const otel = inMemoryOtel();
    const client = createTestClient(makeBot(otel));
    for (const text of ["hi", "/signup", "Ada", "what?"]) await client.send(text);
    await until(() => named(otel.spans(), "botwire.message").length === 4, "four spans");
    const routes = named(otel.spans(), "botwire.message").map((s) => s.attributes["botwire.route"]);
    expect(routes).toEqual(["hears:hi", "dialog:signup#0", "dialog:signup#1", "on:message"]);
  });

  it("a failing handler marks its span as error without leaking the message or the error", async () => {
    const otel = inMemoryOtel();
    const bot = makeBot(otel);
    bot.catch(() => {});
    const client = createTestClient(bot);
    const [error] = await client.send("/boom my password is hunter2");
    expect(error?.code).toBe("internal");
    await until(() => named(otel.spans(), "botwire.message").length === 1, "message span");
    const [message] = named(otel.spans(), "botwire.message");
    expect(message?.status).toEqual({ code: SpanStatusCode.ERROR, message: "internal" });
    expect(message?.attributes).toMatchObject({
      "botwire.route": "command:boom",
      "botwire.outcome": "error",
      "error.type": "internal",
    });
    expect(message?.events).toEqual([]); // no recorded exception (its message has the text)
    const dump = JSON.stringify(otel.spans().map((s) => [s.attributes, s.events, s.status]));
    expect(dump).not.toContain("hunter2");
    expect(dump).not.toContain("handler failed");
  });

  it("continues the client's trace: hello for the connection, message for its span", async () => {
    const otel = inMemoryOtel();
    const { frames, send, conn } = await rawClient(makeBot(otel));
    const hello = makeTraceparent();
    const first = makeTraceparent();
    send({ type: "hello", traceparent: hello.traceparent });
    send({ type: "message", id: "m1", text: "/count", traceparent: first.traceparent });
    // An invalid traceparent is dropped (a new trace starts), not refused.
    send({ type: "message", id: "m2", text: "/count", traceparent: "00-zz-not-valid" });
    await until(() => frames.filter((f) => f.type === "message").length === 2, "two replies");
    expect(frames.some((f) => f.type === "error")).toBe(false);
    conn.close();
    await until(() => named(otel.spans(), "botwire.connection").length === 1, "connection span");
    const [connection] = named(otel.spans(), "botwire.connection");
    expect(connection?.spanContext().traceId).toBe(hello.traceId);
    expect(connection?.parentSpanContext?.spanId).toBe(hello.spanId);
    const [m1, m2] = named(otel.spans(), "botwire.message");
    expect(m1?.spanContext().traceId).toBe(first.traceId);
    expect(m1?.parentSpanContext?.spanId).toBe(first.spanId);
    expect(m2?.spanContext().traceId).not.toBe(first.traceId);
    expect(m2?.parentSpanContext).toBeUndefined();
    // Its steps are in the client's trace too.
    for (const step of childrenOf(otel.spans(), m1 as never)) {
      expect(step.spanContext().traceId).toBe(first.traceId);
    }
  });
});
