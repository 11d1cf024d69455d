// The botwire bot every botwire target serves (botwire/ws in Node, botwire/bun in Bun): the
// stack a user gets from the quick start — protocol validation, session middleware (memory
// store), a command and a fallback, replies with seq/outbox.
import * as botwire from "botwire";
import { parseRequest, tokenSource } from "../lib/stream-text.js";

const { Bot } = botwire;

/**
 * The bench bot and what the harness needs from it.
 * @param {ConstructorParameters<typeof Bot>[0]} [options] - extra Bot options (store, broker)
 * @returns {{ bot: InstanceType<typeof Bot>, counter: { handled: number }, stack: object, broadcast(text: string): Promise<number> }}
 */
export function benchBot(options = {}) {
  const counter = { handled: 0 };
  const bot = new Bot({
    // Where the bot keeps its state (the redis shape: a RedisStore and a RedisBroker).
    ...options,
    // The default flood guard (50 msg/s sustained, burst 200 per connection) is meant for
    // humans; a benchmark client sends thousands per second on one connection. Raised
    // explicitly here and documented in docs/benchmarks.md. Everything else stays default.
    limits: {
      messagesPerSecond: 1_000_000,
      burst: 1_000_000,
      addressMessagesPerSecond: 1_000_000,
      addressBurst: 1_000_000,
    },
    // The stream shapes set the coalescing interval through the environment (default 50 ms).
    ...(process.env.BENCH_DELTA_MS && {
      streaming: { deltaIntervalMs: Number(process.env.BENCH_DELTA_MS) },
    }),
  });

  // The session middleware from the quick start (memory store: the bot's default store).
  // BENCH_SESSION=off leaves it out, to split its cost from the core's; the bench reports
  // which stack it measured.
  const hasSession = typeof botwire.session === "function" && process.env.BENCH_SESSION !== "off";
  if (hasSession) bot.use(botwire.session({ initial: () => ({ messages: 0 }) }));

  // Broadcast: the real bot.broadcast(room, …) when it exists, else sendTo({ session }) over
  // every live session (what a user would write without rooms).
  const hasRooms = typeof bot.broadcast === "function";
  const sessions = new Set();
  bot.events.on("connect", (e) => sessions.add(e.sessionId));
  bot.events.on("disconnect", (e) => {
    if (e.sessionId !== undefined) sessions.delete(e.sessionId);
  });
  if (hasRooms) bot.on("connect", (ctx) => ctx.join("all"));

  bot.command("start", (ctx) => ctx.reply("Welcome! Send me anything and I will echo it."));
  bot.on("message", (ctx) => {
    counter.handled++;
    if (hasSession) ctx.session.messages++;
    // The stream shapes: a long reply through ctx.replyStream (bench/lib/stream-text.js).
    const stream = parseRequest(ctx.text);
    if (stream !== undefined) return ctx.replyStream(tokenSource(stream.tokens, stream.burst));
    return ctx.reply(ctx.text);
  });

  return {
    bot,
    counter,
    stack: { session: hasSession, broadcast: hasRooms ? "bot.broadcast" : "sendTo-loop" },
    async broadcast(text) {
      if (hasRooms) return bot.broadcast("all", { text });
      await Promise.all([...sessions].map((session) => bot.sendTo({ session }, { text })));
      return sessions.size;
    },
  };
}

/** Every benchmark client comes from 127.0.0.1: the per-address caps and rate are lifted. */
export const BENCH_POLICY = {
  maxConnections: 50_000,
  maxConnectionsPerIp: 50_000,
  connectionRatePerIp: false,
};
