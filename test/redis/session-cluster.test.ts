import { randomUUID } from "node:crypto";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { Bot, type Context, type SessionFlavor, session } from "../../src/index.js";
import { withHandshake } from "../../src/middleware/index.js";
import { RedisStore } from "../../src/redis/index.js";
import { redisFixture, skipWithoutRedis } from "../helpers/redis-available.js";
import type { Frame } from "../helpers/ws-client.js";
import { connect, start } from "../session/helpers.js";

type Ctx = Context & SessionFlavor<{ count: number }>;

const skip = await skipWithoutRedis("session() across processes on Redis");
const prefix = `botwire-test:${randomUUID()}:`;
const stops: Array<() => Promise<void>> = [];

const redis = redisFixture(prefix);
const redisClient = () => redis.client();

const login = withHandshake(
  (_ctx: Context, next: () => Promise<void>) => next(),
  (handshake) => {
    if (handshake.token !== undefined) handshake.user = { id: handshake.token };
  },
);

/** A bot process of its own: its own Redis connection, store, middleware and port. */
async function node(name: string) {
  const bot = new Bot<Ctx>({ store: new RedisStore(redisClient(), { prefix }) });
  bot.use(login, session({ initial: () => ({ count: 0 }) }));
  bot.command("signup", (ctx) => ctx.dialog.enter("signup"));
  bot.dialog<{ name?: string }>("signup", [
    (ctx) => ctx.reply(`${name}: your name?`),
    (ctx) => {
      ctx.dialog.state.name = ctx.text ?? "";
      return ctx.reply(`${name}: your city?`);
    },
    (ctx) => ctx.reply(`${name}: ${ctx.dialog.state.name} from ${ctx.text}`),
  ]);
  bot.on("message", async (ctx) => {
    const seen = ctx.session.count;
    // Give the other node every chance to interleave between this read and the write.
    await new Promise((resolve) => setTimeout(resolve, 2));
    ctx.session.count = seen + 1;
    await ctx.reply(String(ctx.session.count));
  });
  const server = await start(bot);
  stops.push(server.close);
  return server.url;
}

afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

afterAll(async () => {
  if (!skip) await redis.cleanup();
});

describe.skipIf(skip)("session() on two bot processes sharing a RedisStore", () => {
  it("interleaved messages of one session on two nodes: no lost write, exact final count", async () => {
    const [urlA, urlB] = await Promise.all([node("A"), node("B")]);
    const a = await connect(urlA, { token: "carol" });
    const b = await connect(urlB, { token: "carol" });
    const ids: Array<Promise<Frame>> = [];
    for (let i = 0; i < 25; i++) {
      ids.push(a.answer(a.post("+1")), b.answer(b.post("+1")));
    }
    const answers = await Promise.all(ids);
    const counts = answers.map((f) => Number(f.text)).sort((x, y) => x - y);
    expect(counts).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const check = new RedisStore(redisClient(), { prefix });
    expect(await check.get("user:carol")).toMatchObject({ data: { count: 50 } });
    await Promise.all([a.close(), b.close()]);
  });

  it("a dialog started on one node continues on the other", async () => {
    const [urlA, urlB] = await Promise.all([node("A"), node("B")]);
    const a = await connect(urlA, { token: "dave" });
    expect((await a.say("/signup")).text).toBe("A: your name?");
    expect((await a.say("Dave")).text).toBe("A: your city?");
    await a.close();
    const b = await connect(urlB, { token: "dave" });
    expect((await b.say("Oslo")).text).toBe("B: Dave from Oslo");
    expect((await b.say("+1")).text).toBe("1");
    await b.close();
  });
});
