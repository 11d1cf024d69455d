import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { Bot, type Context, type SessionFlavor, session } from "../../src/index.js";
import { DEFAULT_LIMITS } from "../../src/middleware/index.js";
import { RedisBroker, RedisStore, RedisTimeoutError } from "../../src/redis/index.js";
import { MemoryLedger } from "../../src/storage/index.js";
import { skipWithoutRedis } from "../helpers/redis-available.js";
import { type Frame, RawClient } from "../helpers/ws-client.js";
import { type Chat, connect, start } from "../session/helpers.js";
import { stallProxy } from "./stall-proxy.js";

// A frozen Redis (SIGSTOP, a black-holed network) keeps its TCP connection open, so ioredis
// waits for the reply for ever whatever maxRetriesPerRequest says; before commandTimeoutMs,
// 22 of 26 messages got no answer at all. These tests freeze a proxy in front of the shared
// Redis (its keys live under a prefix of their own; nothing runs on it while frozen).

type Ctx = Context & SessionFlavor<{ count: number }>;

const skip = await skipWithoutRedis("Redis stall (commandTimeoutMs) test");
const prefix = `stall:${Date.now().toString(36)}:`;
const clients: Redis[] = [];
/** A short deadline keeps the test quick; the default (2000 ms) is checked in deadline.test.ts. */
const commandTimeoutMs = 300;
/** Generous: the answers must come, but how fast a busy machine gets them is not the point. */
const ANSWER_WITHIN_MS = 20_000;

/** A logger that keeps the errors the bot reports (what an operator would see). */
function recorder() {
  const errors: unknown[] = [];
  const keep = (_message: string, details?: Record<string, unknown>) => {
    errors.push(details?.error);
  };
  return { errors, logger: { warn: keep, error: keep } };
}

/** A client as docs/scaling.md recommends it, through the proxy. */
function client(port: number): Redis {
  const redis = new Redis({
    host: "127.0.0.1",
    port,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
  });
  redis.on("error", () => {});
  clients.push(redis);
  return redis;
}

/** The frame answering message `id` (a reply or an error; not an activity). */
function answerTo(chat: Chat, id: string): Promise<Frame> {
  return chat.raw.waitFor(
    (frames) => frames.find((f) => f.replyTo === id && f.type !== "activity"),
    ANSWER_WITHIN_MS,
  );
}

/** Sends `count` messages back to back; resolves with the frame answering each. */
function burst(chat: Chat, count: number): Promise<Frame[]> {
  const ids = Array.from({ length: count }, (_, i) => chat.post(`+${i}`));
  return Promise.all(ids.map((id) => answerTo(chat, id)));
}

/** Sends `text` until a reply (not an error) answers it: Redis is answering again. */
async function recovered(chat: Chat, text: string): Promise<Frame> {
  const deadline = Date.now() + ANSWER_WITHIN_MS;
  for (;;) {
    const answer = await answerTo(chat, chat.post(text));
    if (answer.type === "message" || Date.now() > deadline) return answer;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

afterAll(async () => {
  if (skip) return;
  const admin = new Redis({ host: "127.0.0.1", port: 6379 });
  const keys = await admin.keys(`${prefix}*`);
  if (keys.length > 0) await admin.del(...keys);
  for (const c of clients) c.disconnect();
  await admin.quit();
});

describe.skipIf(skip)("a frozen Redis: every message is answered within commandTimeoutMs", () => {
  it("session() on RedisStore: internal error frames, never silence, then recovery", {
    timeout: 60_000,
  }, async () => {
    const proxy = await stallProxy();
    const redis = client(proxy.port);
    await expect.poll(() => redis.status, { timeout: 10_000 }).toBe("ready");
    const bot = new Bot<Ctx>({
      store: new RedisStore(redis, { prefix: `${prefix}a:`, commandTimeoutMs }),
      ledger: new MemoryLedger(DEFAULT_LIMITS),
    });
    const failures: unknown[] = [];
    bot.catch((err) => void failures.push(err.error));
    bot.command("ping", (ctx) => ctx.reply("pong"));
    bot.use(session({ initial: () => ({ count: 0 }) }));
    bot.on("message", (ctx) => ctx.reply(String(++ctx.session.count)));
    const server = await start(bot);
    const chat = await connect(server.url);
    expect((await chat.say("+1")).text).toBe("1");

    proxy.freeze();
    const answers = await burst(chat, 6);
    for (const answer of answers) {
      expect(answer).toMatchObject({ type: "error", code: "internal", message: "internal error" });
    }
    expect((await chat.say("/ping")).text).toBe("pong");
    expect(chat.raw.closed).toBeUndefined();
    expect(failures.length).toBeGreaterThanOrEqual(6);
    for (const error of failures) expect(error).toBeInstanceOf(RedisTimeoutError);

    proxy.thaw();
    expect(await recovered(chat, "+1")).toMatchObject({ type: "message" });
    await chat.close();
    await server.close();
    await proxy.close();
  });

  it("ledger and broker on Redis too: error frames for messages, close 1011 for a hello", {
    timeout: 60_000,
  }, async () => {
    const proxy = await stallProxy();
    const redis = client(proxy.port);
    const sub = client(proxy.port);
    await expect
      .poll(() => [redis.status, sub.status], { timeout: 10_000 })
      .toEqual(["ready", "ready"]);
    const { errors, logger } = recorder();
    const bot = new Bot<Ctx>({
      store: new RedisStore(redis, { prefix: `${prefix}b:`, commandTimeoutMs }),
      broker: new RedisBroker(redis, sub, { prefix: `${prefix}b:`, commandTimeoutMs }),
      logger,
    });
    bot.catch(() => undefined);
    bot.use(session({ initial: () => ({ count: 0 }) }));
    bot.on("message", (ctx) => ctx.reply(String(++ctx.session.count)));
    const server = await start(bot);
    const chat = await connect(server.url);
    expect((await chat.say("+1")).text).toBe("1");

    proxy.freeze();
    for (const answer of await burst(chat, 6)) {
      expect(answer).toMatchObject({ type: "error", code: "internal" });
    }
    expect(chat.raw.closed).toBeUndefined();
    // A client connecting meanwhile is closed with 1011 (internal), not left waiting for its
    // welcome until its hello timeout.
    const late = new RawClient(server.url);
    await late.opened;
    late.send({ type: "hello" });
    expect((await late.waitClose(ANSWER_WITHIN_MS)).code).toBe(1011);
    expect(late.frames.filter((f) => f.type === "welcome")).toEqual([]);
    // The operator sees why: each failure is logged as a RedisTimeoutError.
    expect(errors.length).toBeGreaterThanOrEqual(7);
    for (const error of errors) expect(error).toBeInstanceOf(RedisTimeoutError);

    proxy.thaw();
    expect(await recovered(chat, "+1")).toMatchObject({ type: "message" });
    const again = await connect(server.url);
    expect((await again.say("+1")).type).toBe("message");
    await again.close();
    await chat.close();
    await server.close();
    await proxy.close();
  });
});
