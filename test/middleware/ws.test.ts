import * as v from "valibot";
import { afterEach, describe, expect, it } from "vitest";
import {
  auth,
  Bot,
  type Context,
  cache,
  rateLimit,
  staticTokens,
  validate,
} from "../../src/index.js";
import { type ServeHandle, type ServeOptions, serve } from "../../src/transports/ws/index.js";
import { RawClient } from "../helpers/ws-client.js";

const open: ServeHandle[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.close()));
});

async function start(bot: Bot<Context>, options: Partial<ServeOptions> = {}) {
  const handle = serve(bot, { port: 0, host: "127.0.0.1", ...options } as ServeOptions);
  open.push(handle);
  await handle.ready;
  return `ws://127.0.0.1:${handle.address()?.port}`;
}

function authBot() {
  const bot = new Bot();
  bot.use(auth({ verify: staticTokens({ "token-alice-0123": { id: "alice" } }) }));
  bot.on("message", (ctx) => ctx.reply(`hi ${(ctx.user as { id: string }).id}`));
  return bot;
}

describe("middleware over real sockets", () => {
  it("auth: a hello token or a Bearer header is accepted", async () => {
    const url = await start(authBot());
    const viaHello = new RawClient(url);
    await viaHello.opened;
    viaHello.send({ type: "hello", token: "token-alice-0123" });
    viaHello.send({ type: "message", id: "1", text: "x" });
    expect((await viaHello.next("message", { replyTo: "1" })).text).toBe("hi alice");
    const viaHeader = new RawClient(url, { headers: { authorization: "Bearer token-alice-0123" } });
    await viaHeader.opened;
    viaHeader.send({ type: "message", id: "2", text: "x" });
    expect((await viaHeader.next("message", { replyTo: "2" })).text).toBe("hi alice");
    viaHello.close();
    viaHeader.close();
  });

  it.each([
    ["no token", { type: "hello" }, "authentication required"],
    ["a bad token", { type: "hello", token: "token-alice-0124" }, "invalid token"],
  ])("auth: %s gets unauthorized and close 4401", async (_, hello, message) => {
    const url = await start(authBot());
    const client = new RawClient(url);
    await client.opened;
    client.send(hello);
    client.send({ type: "message", id: "1", text: "x" });
    expect(await client.waitClose()).toMatchObject({ code: 4401 });
    expect(client.frames).toEqual([{ type: "error", code: "unauthorized", message }]);
  });

  it("auth: a client that never says hello is closed with 4408", async () => {
    const url = await start(authBot(), { helloTimeoutMs: 100 });
    const client = new RawClient(url);
    await client.opened;
    expect((await client.waitClose()).code).toBe(4408);
    expect(client.frames).toEqual([]);
  });

  it("upgrade hook: a cookie-authenticated user needs no token; a refusal is an HTTP status", async () => {
    const bot = authBot();
    const url = await start(bot, {
      upgrade: (req) =>
        req.headers.cookie === "sid=good" ? { user: { id: "cookie-user" } } : { status: 401 },
    });
    const client = new RawClient(url, { headers: { cookie: "sid=good" } });
    await client.opened;
    client.send({ type: "message", id: "1", text: "x" });
    expect((await client.next("message", { replyTo: "1" })).text).toBe("hi cookie-user");
    client.close();
    const refused = new RawClient(url, { headers: { cookie: "sid=bad" } });
    await expect(refused.opened).rejects.toThrow("HTTP 401");
  });

  it("validate and rateLimit: error frames, then 4429 for a client that ignores retryAfterMs", async () => {
    const bot = new Bot();
    bot.use(rateLimit({ limit: 2, windowMs: 60_000, maxViolations: 2 }));
    bot.use(validate(v.object({ n: v.number() })));
    bot.on("message", (ctx) => ctx.reply("ok"));
    const client = new RawClient(await start(bot));
    await client.opened;
    client.send({ type: "message", id: "1", data: { n: 1 } });
    client.send({ type: "message", id: "2", data: { n: "one" } });
    client.send({ type: "message", id: "3", data: { n: 3 } });
    client.send({ type: "message", id: "4", data: { n: 4 } });
    expect((await client.next("message", { replyTo: "1" })).text).toBe("ok");
    expect(await client.next("error", { replyTo: "2" })).toMatchObject({
      code: "bad_request",
      message: "invalid input: data.n: invalid number (expected number)",
    });
    const limited = await client.next("error", { replyTo: "3" });
    expect(limited).toMatchObject({ code: "rate_limited" });
    expect(limited.retryAfterMs).toBeGreaterThan(0);
    // Message 4 was on its way when the refusal was sent: refused, but not held against it.
    expect(await client.next("error", { replyTo: "4" })).toMatchObject({ code: "rate_limited" });
    // Sending on well after the refusal, inside the wait: ignoring it — closed at the 2nd.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    client.send({ type: "message", id: "5", data: { n: 5 } });
    client.send({ type: "message", id: "6", data: { n: 6 } });
    expect((await client.waitClose()).code).toBe(4429);
  });

  it("cache: an identical question is answered from the cache", async () => {
    const bot = new Bot();
    const faq = cache();
    let runs = 0;
    bot.use(faq);
    bot.on("message", (ctx) => ctx.reply(`answer ${++runs}`));
    const client = new RawClient(await start(bot));
    await client.opened;
    client.send({ type: "message", id: "1", text: "Shipping cost?" });
    expect((await client.next("message", { replyTo: "1" })).text).toBe("answer 1");
    client.send({ type: "message", id: "2", text: "shipping  COST" });
    expect((await client.next("message", { replyTo: "2" })).text).toBe("answer 1");
    expect(faq.stats).toMatchObject({ hits: 1, misses: 1 });
    client.close();
  });
});
