import { describe, expect, it } from "vitest";
import { Bot, type BotError, type Context, type SessionFlavor, session } from "../../src/index.js";
import { createTestClient } from "../../src/testing/index.js";

type Ctx = Context & SessionFlavor<{ count: number; late?: boolean }>;

/** A promise that never settles, like a handler stuck on a dead upstream. */
const never = () => new Promise<void>(() => undefined);

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe("a handler that never finishes (turnTimeoutMs)", () => {
  it("answers its message with an internal error and lets the session's next message run", async () => {
    const bot = new Bot<Ctx>({ turnTimeoutMs: 100, logger: false });
    const errors: BotError<Ctx>[] = [];
    bot.catch((error) => void errors.push(error));
    bot.use(session({ initial: () => ({ count: 0 }) }));
    bot.command("hang", () => never());
    bot.on("message", (ctx) => ctx.reply(`count ${++ctx.session.count}`));
    const client = createTestClient(bot);

    const stuck = await client.send("/hang");
    expect(stuck).toMatchObject([{ type: "error", code: "internal", message: "internal error" }]);
    expect(errors[0]?.error).toMatchObject({ name: "TurnTimeoutError", timeoutMs: 100 });
    // The session lock was let go: the same session goes on.
    expect((await client.send("hi"))[0]?.text).toBe("count 1");
    expect((await client.send("hi"))[0]?.text).toBe("count 2");
    await bot.stop();
  });

  it("aborts ctx.signal, and drops what the handler sends or saves after it was given up", async () => {
    const bot = new Bot<Ctx>({ turnTimeoutMs: 100, logger: false });
    const late = deferred();
    const seen: { aborted?: boolean; reason?: unknown; replied?: string } = {};
    const settled = deferred();
    bot.use(session({ initial: () => ({ count: 0 }) }));
    bot.command("slow", async (ctx) => {
      await late.promise;
      seen.aborted = ctx.signal.aborted;
      seen.reason = ctx.signal.reason;
      ctx.session.late = true;
      try {
        await ctx.reply("too late");
        seen.replied = "sent";
      } catch (error) {
        seen.replied = (error as Error).name;
      }
      settled.resolve();
    });
    bot.on("message", (ctx) => ctx.reply(`late=${String(ctx.session.late)}`));
    const client = createTestClient(bot);

    expect((await client.send("/slow"))[0]?.code).toBe("internal");
    late.resolve();
    await settled.promise;
    expect(seen).toMatchObject({ aborted: true, replied: "TurnTimeoutError" });
    expect(seen.reason).toMatchObject({ name: "TurnTimeoutError" });
    expect(client.messages.map((m) => m.text)).not.toContain("too late");
    // The abandoned turn's session change was not saved.
    expect((await client.send("check"))[0]?.text).toBe("late=undefined");
    await bot.stop();
  });

  it("lets a re-send of the abandoned message run again (its claim was released)", async () => {
    const bot = new Bot({ turnTimeoutMs: 100, logger: false });
    let calls = 0;
    bot.hears("work", async (ctx) => {
      calls++;
      if (calls === 1) await never();
      return ctx.reply(`run ${calls}`);
    });
    bot.on("message", (ctx) => ctx.reply("ok"));
    const client = createTestClient(bot);
    await client.send("hello"); // the welcome first
    const frame = JSON.stringify({ type: "message", id: "same-id", text: "work" });
    client.raw(frame);
    const deadline = Date.now() + 10_000;
    const errorFor = () => client.frames.find((f) => f.type === "error" && f.replyTo === "same-id");
    while (errorFor() === undefined && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    expect(errorFor()).toMatchObject({ code: "internal" });
    client.raw(frame);
    while (!client.messages.some((m) => m.replyTo === "same-id") && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(client.messages.find((m) => m.replyTo === "same-id")?.text).toBe("run 2");
    await bot.stop();
  });

  it("stop() finishes although a handler ignores its signal, after aborting it", async () => {
    const bot = new Bot({ stopTimeoutMs: 50, logger: false });
    let reason: unknown;
    const started = deferred();
    bot.command("hang", (ctx) => {
      ctx.signal.addEventListener("abort", () => {
        reason = ctx.signal.reason;
      });
      started.resolve();
      return never();
    });
    const client = createTestClient(bot);
    void client.send("/hang");
    await started.promise;
    await bot.stop();
    expect(reason).toMatchObject({ name: "BotStoppingError" });
    expect(bot.running).toBe(false);
  });

  it("rejects a turnTimeoutMs or stopTimeoutMs that is not a positive number", () => {
    expect(() => new Bot({ turnTimeoutMs: 0 })).toThrow(/turnTimeoutMs/);
    expect(() => new Bot({ stopTimeoutMs: -1 })).toThrow(/stopTimeoutMs/);
  });
});

describe("a thrown value that cannot be printed", () => {
  it("still gets the client an internal error and leaves the session usable", async () => {
    const bot = new Bot<Ctx>({ logger: false });
    const reported: string[] = [];
    bot.catch((error) => void reported.push(error.message));
    bot.use(session({ initial: () => ({ count: 0 }) }));
    bot.command("weird", () => {
      throw Object.create(null);
    });
    bot.on("message", (ctx) => ctx.reply(`count ${++ctx.session.count}`));
    const client = createTestClient(bot);
    expect((await client.send("/weird"))[0]?.code).toBe("internal");
    expect(reported[0]).toContain("[object Object]");
    expect((await client.send("hi"))[0]?.text).toBe("count 1");
    await bot.stop();
  });
});
