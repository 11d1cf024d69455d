import { describe, expect, it } from "vitest";
import { Bot, type BotError, type Context, type SessionFlavor, session } from "../../src/index.js";
import { createTestClient } from "../../src/testing/index.js";
import { always, andThen, fulfilled, fulfilledVoid, isPending } from "../../src/util/maybe.js";
import { startOnHost } from "./raw-peer.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("maybe-sync helpers", () => {
  it("fulfilled() promises are real promises that isPending() lets through", async () => {
    const p = fulfilled(7);
    expect(p).toBeInstanceOf(Promise);
    expect(await p).toBe(7);
    expect(isPending(p)).toBe(false);
    expect(isPending(fulfilledVoid)).toBe(false);
    expect(isPending(Promise.resolve(7))).toBe(true);
    // biome-ignore lint/suspicious/noThenProperty: a foreign thenable is what this checks
    const thenable = { then: () => undefined };
    expect(isPending(thenable)).toBe(true);
    expect(isPending(undefined)).toBe(false);
    expect(isPending(42)).toBe(false);
  });

  it("andThen() runs at once for plain values and fulfilled() promises, later for others", async () => {
    const order: string[] = [];
    andThen(1, (v) => order.push(`plain ${v}`));
    andThen(fulfilled(2), (v) => order.push(`fulfilled ${v}`));
    const later = andThen(Promise.resolve(3), (v) => order.push(`pending ${v}`));
    order.push("after calls");
    await later;
    expect(order).toEqual(["plain 1", "fulfilled 2", "after calls", "pending 3"]);
  });

  it("always() cleans up once, after success or failure, sync or async", async () => {
    let cleaned = 0;
    const clean = () => {
      cleaned++;
    };
    expect(always(() => 1, clean)).toBe(1);
    expect(() =>
      always(() => {
        throw new Error("sync");
      }, clean),
    ).toThrow("sync");
    await expect(always(() => Promise.reject(new Error("async")), clean)).rejects.toThrow("async");
    const pending = always(() => sleep(5).then(() => 2), clean);
    expect(cleaned).toBe(3);
    expect(await pending).toBe(2);
    expect(cleaned).toBe(4);
  });
});

describe("the synchronous message path", () => {
  it("keeps arrival order on a connection when sync and async handlers mix", async () => {
    const bot = new Bot();
    bot.on("message", async (ctx) => {
      if (ctx.text?.startsWith("slow")) {
        await sleep(20);
        return ctx.reply(ctx.text);
      }
      return ctx.reply(ctx.text ?? "");
    });
    const client = createTestClient(bot);
    const texts = ["slow 1", "fast 2", "slow 3", "fast 4", "fast 5"];
    await Promise.all(texts.map((t) => client.send(t)));
    expect(client.messages.map((m) => m.text)).toEqual(texts);
    const seqs = client.messages.map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    await bot.stop();
  });

  it("mixes a sync handler with a chain-level async one without reordering", async () => {
    const bot = new Bot();
    // A sync handler for most messages, an awaiting middleware for some: the queue must
    // hold the sync ones until the async one finished.
    bot.use(async (ctx, next) => {
      if (ctx.text === "wait") await sleep(15);
      await next();
    });
    bot.on("message", (ctx) => ctx.reply(`got ${ctx.text}`));
    const client = createTestClient(bot);
    await Promise.all(["a", "wait", "b"].map((t) => client.send(t)));
    expect(client.messages.map((m) => m.text)).toEqual(["got a", "got wait", "got b"]);
    await bot.stop();
  });

  it("ctx.reply resolves with the seq it was given", async () => {
    const bot = new Bot();
    bot.on("message", async (ctx) => {
      const first = await ctx.reply("first");
      await ctx.reply(`first had seq ${first}`);
    });
    const client = createTestClient(bot);
    const replies = await client.send("go");
    expect(replies.map((r) => r.text)).toEqual(["first", `first had seq ${replies[0]?.seq}`]);
    await bot.stop();
  });

  it("a reply that fails synchronously fails the update even when not awaited", async () => {
    const bot = new Bot();
    const caught: BotError[] = [];
    bot.catch((err) => {
      caught.push(err);
    });
    bot.on("message", (ctx) => {
      // BigInt cannot be serialised: the send fails inside the outbox append.
      void ctx.reply({ data: 10n });
    });
    const client = createTestClient(bot);
    const [answer] = await client.send("x");
    expect(answer).toMatchObject({ type: "error", code: "internal" });
    expect(caught).toHaveLength(1);
    expect(caught[0]?.error).toBeInstanceOf(TypeError);
    await bot.stop();
  });

  it("session(): an update that finds its session busy waits for it: no lost write", async () => {
    type C = Context & SessionFlavor<{ count: number }>;
    const bot = new Bot<C>();
    // One key for every connection: two clients share the session.
    bot.use(session({ initial: () => ({ count: 0 }), getKey: () => "shared" }));
    bot.on("message", async (ctx) => {
      const seen = ctx.session.count;
      if (ctx.text === "slow") await sleep(20);
      ctx.session.count = seen + 1;
      return ctx.reply(String(ctx.session.count));
    });
    const a = createTestClient(bot);
    const b = createTestClient(bot);
    const [slow, fast] = await Promise.all([a.send("slow"), b.send("fast")]);
    expect([slow[0]?.text, fast[0]?.text]).toEqual(["1", "2"]);
    expect(await bot.store.get("shared")).toMatchObject({ data: { count: 2 } });
    await bot.stop();
  });

  it("session(): a sync handler's change is saved before the next message reads it", async () => {
    type C = Context & SessionFlavor<{ words: string[] }>;
    const bot = new Bot<C>();
    bot.use(session({ initial: () => ({ words: [] }) }));
    bot.on("message", (ctx) => {
      ctx.session.words.push(ctx.text ?? "");
      return ctx.reply(ctx.session.words.join(" "));
    });
    const client = createTestClient(bot);
    const replies = await Promise.all(["a", "b", "c"].map((t) => client.send(t)));
    expect(replies.map((r) => r[0]?.text)).toEqual(["a", "a b", "a b c"]);
    await bot.stop();
  });

  it("session(): an update that never looks at the session neither makes nor writes one", async () => {
    type C = Context & SessionFlavor<{ count: number }>;
    const bot = new Bot<C>();
    let made = 0;
    bot.use(
      session({
        initial: () => {
          made++;
          return { count: 0 };
        },
      }),
    );
    bot.command("ping", (ctx) => ctx.reply("pong"));
    bot.on("message", (ctx) => ctx.reply(String(++ctx.session.count)));
    const client = createTestClient(bot);
    expect((await client.send("/ping"))[0]?.text).toBe("pong");
    expect(made).toBe(0);
    expect(await bot.store.get(client.session ?? "")).toBeUndefined();
    expect(client.session).toBeTypeOf("string");
    expect((await client.send("hi"))[0]?.text).toBe("1");
    expect(made).toBe(1);
    expect((await client.send("/ping"))[0]?.text).toBe("pong");
    expect((await client.send("hi"))[0]?.text).toBe("2");
    expect(made).toBe(1);
    await bot.stop();
  });

  it("session(): a stored value that is not a session record fails the update even unread", async () => {
    const bot = new Bot();
    const caught: BotError[] = [];
    bot.catch((err) => {
      caught.push(err);
    });
    bot.use(session({ initial: () => ({}), getKey: () => "broken" }));
    bot.on("message", (ctx) => ctx.reply("ok"));
    await bot.store.set("broken", "not a record");
    const client = createTestClient(bot);
    expect((await client.send("x"))[0]).toMatchObject({ type: "error", code: "internal" });
    expect(String(caught[0]?.error)).toMatch(/not a session record/);
    await bot.stop();
  });

  it("a client that answers a push synchronously makes no other connection skip a seq", async () => {
    const bot = new Bot();
    bot.on("message", (ctx) => ctx.reply(`echo ${ctx.text}`));
    const host = await startOnHost(bot);
    // Two connections of one session, held in memory; A answers "echo from-b" at once,
    // from inside the write (as an in-process peer or a synchronous listener would).
    const got: Record<
      string,
      Array<{ type: string; seq?: number; text?: string; session?: string }>
    > = { a: [], b: [] };
    const open = (name: "a" | "b", react?: (frame: { text?: string }) => void) =>
      host.open({
        id: name,
        info: { remoteAddress: "127.0.0.1", origin: undefined, headers: {} },
        bufferedAmount: 0,
        send(raw) {
          const frame = JSON.parse(raw);
          got[name]?.push(frame);
          react?.(frame);
        },
        close() {},
      });
    let answered = false;
    const a = open("a", (frame) => {
      if (frame.text !== "echo from-b" || answered) return;
      answered = true;
      a.message('{"type":"message","id":"a1","text":"from-a"}');
    });
    a.message('{"type":"hello"}');
    await new Promise((resolve) => setTimeout(resolve, 5));
    const session = got.a?.[0]?.session;
    const b = open("b");
    b.message(JSON.stringify({ type: "hello", session }));
    await new Promise((resolve) => setTimeout(resolve, 5));
    b.message('{"type":"message","id":"b1","text":"from-b"}');
    await new Promise((resolve) => setTimeout(resolve, 5));
    const messages = (name: "a" | "b") =>
      got[name]?.filter((f) => f.type === "message").map((f) => [f.seq, f.text]);
    const expected = [
      [1, "echo from-b"],
      [2, "echo from-a"],
    ];
    expect(messages("a")).toEqual(expected);
    expect(messages("b")).toEqual(expected);
    await bot.stop();
  });
});
