import { execFileSync, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { Bot, type Context, type SessionFlavor, session } from "../../src/index.js";
import { DEFAULT_LIMITS } from "../../src/middleware/index.js";
import { RedisStore } from "../../src/redis/index.js";
import { MemoryLedger } from "../../src/storage/index.js";
import { connect, start } from "../session/helpers.js";

type Ctx = Context & SessionFlavor<{ count: number }>;

// This test runs its own redis-server on a free port and stops it; the shared one on 6379
// is never touched.
const hasServer = spawnSync("redis-server", ["--version"]).status === 0;
if (!hasServer) {
  if (process.env.CI === "true") throw new Error("redis-server is required in CI but not found");
  console.warn("\n⚠ SKIPPED Redis outage test: no redis-server binary on PATH\n");
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const port = hasServer ? await freePort() : 0;
const startRedis = () =>
  execFileSync("redis-server", [
    ...["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    ...["--daemonize", "yes"],
  ]);
const stopRedis = () => spawnSync("redis-cli", ["-p", String(port), "shutdown", "nosave"]);

/** Starts the test's own redis-server and connects a client that fails fast while it is away. */
async function startAndConnect(): Promise<Redis> {
  startRedis();
  const redis = new Redis({
    host: "127.0.0.1",
    port,
    // Fail commands fast while Redis is away instead of queueing them for long.
    maxRetriesPerRequest: 0,
    retryStrategy: () => 50,
  });
  redis.on("error", () => {});
  await expect.poll(() => redis.status, { timeout: 10_000 }).toBe("ready");
  return redis;
}

afterAll(() => {
  if (hasServer) stopRedis();
});

describe.skipIf(!hasServer)("Redis going down under session()", () => {
  it("answers with internal error frames, keeps serving, and recovers when Redis returns", async () => {
    const redis = await startAndConnect();

    // Protocol state stays in memory here, so only session() depends on Redis.
    const bot = new Bot<Ctx>({
      store: new RedisStore(redis, { prefix: "down-test:" }),
      ledger: new MemoryLedger(DEFAULT_LIMITS),
    });
    const reported: unknown[] = [];
    bot.catch((err) => void reported.push(err.error));
    bot.command("ping", (ctx) => ctx.reply("pong"));
    bot.use(session({ initial: () => ({ count: 0 }) }));
    bot.on("message", (ctx) => ctx.reply(String(++ctx.session.count)));
    const server = await start(bot);
    const chat = await connect(server.url);
    expect((await chat.say("+1")).text).toBe("1");

    stopRedis();
    await expect.poll(() => redis.status, { timeout: 10_000 }).not.toBe("ready");
    for (let i = 0; i < 3; i++) {
      const answer = await chat.say("+1");
      expect(answer).toMatchObject({ type: "error", code: "internal", message: "internal error" });
    }
    // Middleware that does not need the session still answers, on the same connection.
    expect((await chat.say("/ping")).text).toBe("pong");
    expect(chat.raw.closed).toBeUndefined();
    expect(reported.length).toBeGreaterThanOrEqual(3);

    startRedis();
    await expect.poll(() => redis.status, { timeout: 10_000 }).toBe("ready");
    // Redis came back empty (no persistence): the session starts again, without errors.
    expect(await chat.say("+1")).toMatchObject({ type: "message", text: "1" });
    expect((await chat.say("+1")).text).toBe("2");

    await chat.close();
    await server.close();
    redis.disconnect();
  });

  it("with protocol state in Redis too: error frames while down, then a fresh session", async () => {
    const redis = await startAndConnect();
    // store: RedisStore → the bot's ledger (outbox, dedup ids) lives in Redis as well.
    const bot = new Bot<Ctx>({ store: new RedisStore(redis, { prefix: "down-full:" }) });
    const reported: unknown[] = [];
    bot.catch((err) => void reported.push(err.error));
    bot.command("ping", (ctx) => ctx.reply("pong"));
    let quietRuns = 0;
    bot.command("quiet", () => void quietRuns++); // answers nothing
    bot.use(session({ initial: () => ({ count: 0 }) }));
    bot.on("message", (ctx) => ctx.reply(String(++ctx.session.count)));
    const server = await start(bot);
    const chat = await connect(server.url);
    expect((await chat.say("+1")).text).toBe("1");

    stopRedis();
    await expect.poll(() => redis.status, { timeout: 10_000 }).not.toBe("ready");
    expect(await chat.say("+1")).toMatchObject({ type: "error", code: "internal" });
    // The message is refused before any middleware: no handler ran, so bot.catch hears nothing.
    expect(await chat.say("/ping")).toMatchObject({ type: "error", code: "internal" });
    expect(reported).toEqual([]);
    expect(chat.raw.closed).toBeUndefined();

    startRedis();
    await expect.poll(() => redis.status, { timeout: 10_000 }).toBe("ready");
    // Redis came back empty: the session is gone, so the server closes with 1011 instead of
    // reusing seqs the client already has — at the next message, even one that gets no
    // reply; a reconnect with the old id gets a fresh session.
    const quiet = chat.post("/quiet");
    expect((await chat.raw.waitClose()).code).toBe(1011);
    // Refused at its claim: not handled, nothing sent about it; the client keeps it unconfirmed
    // and sends it again in its fresh session.
    expect(chat.raw.frames.filter((f) => f.replyTo === quiet)).toEqual([]);
    expect(quietRuns).toBe(0);
    const again = await connect(server.url, {
      session: chat.welcome.session,
      lastSeq: chat.lastSeq(),
    });
    expect(again.welcome).toMatchObject({ resumed: false, seq: 0 });
    expect((await again.say("+1")).text).toBe("1");

    await again.close();
    await server.close();
    redis.disconnect();
  });
});
