import { afterEach, describe, expect, it, vi } from "vitest";
import { Bot, Composer, type Context, type SessionFlavor, session } from "../../src/index.js";
import { createTestClient } from "../../src/testing/index.js";

type Ctx = Context & SessionFlavor<{ done: number }>;
interface Signup {
  name?: string;
  age?: number;
}

function signupBot(timeoutMs?: number) {
  const bot = new Bot<Ctx>();
  bot.use(session({ initial: () => ({ done: 0 }) }));
  bot.command("cancel", async (ctx) => {
    const was = ctx.dialog.active;
    ctx.dialog.exit();
    await ctx.reply(was ? `cancelled ${was}` : "nothing to cancel");
  });
  bot.command("signup", (ctx) => ctx.dialog.enter("signup", { name: "?" }));
  bot.dialog<Signup>(
    "signup",
    [
      (ctx) => ctx.reply(`name? (was ${ctx.dialog.state.name})`),
      (ctx) => {
        ctx.dialog.state.name = ctx.text ?? "";
        return ctx.reply("age?");
      },
      (ctx) => {
        const age = Number(ctx.text);
        if (!Number.isInteger(age) || age < 1) {
          ctx.dialog.repeat();
          return ctx.reply("a whole number, please");
        }
        ctx.dialog.state.age = age;
        ctx.session.done += 1;
        return ctx.reply(`${ctx.dialog.state.name} is ${age}`);
      },
    ],
    timeoutMs === undefined ? {} : { timeoutMs },
  );
  bot.on("message", (ctx) => ctx.reply(`no dialog: ${ctx.text} (${ctx.dialog.active})`));
  return bot;
}

const texts = async (p: Promise<Array<{ text?: string }>>) => (await p).map((m) => m.text);

afterEach(() => {
  vi.useRealTimers();
});

describe("dialogs", () => {
  it("walks the steps, repeats on invalid input, and ends after the last", async () => {
    const bot = signupBot();
    const c = createTestClient(bot);
    expect(await texts(c.send("/signup"))).toEqual(["name? (was ?)"]);
    expect(await texts(c.send("Ada"))).toEqual(["age?"]);
    expect(await texts(c.send("old"))).toEqual(["a whole number, please"]);
    expect(await texts(c.send("36"))).toEqual(["Ada is 36"]);
    expect(await texts(c.send("hi"))).toEqual(["no dialog: hi (undefined)"]);
    await bot.stop();
  });

  it("lets earlier middleware (/cancel) run first and exit the dialog", async () => {
    const bot = signupBot();
    const c = createTestClient(bot);
    await c.send("/signup");
    expect(await texts(c.send("/cancel"))).toEqual(["cancelled signup"]);
    expect(await texts(c.send("Ada"))).toEqual(["no dialog: Ada (undefined)"]);
    await bot.stop();
  });

  it("does not advance when a step throws (the session is not saved)", async () => {
    const bot = new Bot<Ctx>();
    bot.catch(() => {});
    bot.use(session({ initial: () => ({ done: 0 }) }));
    bot.command("go", (ctx) => ctx.dialog.enter("d"));
    let fail = true;
    bot.dialog("d", [
      (ctx) => ctx.reply("step 0"),
      (ctx) => {
        if (fail) throw new Error("flaky");
        return ctx.reply("step 1");
      },
    ]);
    const c = createTestClient(bot);
    await c.send("/go");
    expect(await c.send("x")).toMatchObject([{ type: "error", code: "internal" }]);
    fail = false;
    expect(await texts(c.send("x"))).toEqual(["step 1"]);
    await bot.stop();
  });

  it("ends an abandoned dialog after timeoutMs", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const bot = signupBot(60_000);
    const c = createTestClient(bot);
    await c.send("/signup");
    vi.setSystemTime(Date.now() + 30_000);
    expect(await texts(c.send("Ada"))).toEqual(["age?"]);
    vi.setSystemTime(Date.now() + 61_000);
    expect(await texts(c.send("36"))).toEqual(["no dialog: 36 (undefined)"]);
    await bot.stop();
  });

  it("routes dialogs registered on a nested composer, and a step can enter another dialog", async () => {
    const bot = new Bot<Ctx>();
    bot.use(session({ initial: () => ({ done: 0 }) }));
    const flows = new Composer<Ctx>();
    flows.dialog("a", [(ctx) => ctx.reply("a0"), (ctx) => ctx.dialog.enter("b")]);
    flows.dialog("b", [(ctx) => ctx.reply("b0"), (ctx) => ctx.reply(`b1 ${ctx.dialog.step}`)]);
    bot.command("a", (ctx) => ctx.dialog.enter("a"));
    bot.use(flows);
    const c = createTestClient(bot);
    expect(await texts(c.send("/a"))).toEqual(["a0"]);
    expect(await texts(c.send("x"))).toEqual(["b0"]);
    expect(await texts(c.send("y"))).toEqual(["b1 1"]);
    await bot.stop();
  });

  it("fails clearly without session(), for unknown names and bad registrations", async () => {
    const bot = new Bot();
    const errors: string[] = [];
    bot.catch((err) => void errors.push(String((err.error as Error).message)));
    bot.command("go", (ctx) => (ctx as Ctx).dialog.enter("d"));
    bot.dialog("d", [(ctx) => ctx.reply("never")]);
    const c = createTestClient(bot);
    expect(await c.send("/go")).toMatchObject([{ type: "error", code: "internal" }]);
    expect(await c.send("text")).toMatchObject([{ type: "error", code: "internal" }]);
    expect(errors).toEqual([
      expect.stringMatching(/ctx.dialog needs the session\(\) middleware/),
      expect.stringMatching(/ctx.dialog needs the session\(\) middleware/),
    ]);
    await bot.stop();

    const withSession = new Bot<Ctx>();
    const seen: string[] = [];
    withSession.catch((err) => void seen.push(String((err.error as Error).message)));
    withSession.use(session({ initial: () => ({ done: 0 }) }));
    withSession.on("message", (ctx) => ctx.dialog.enter("nope"));
    await createTestClient(withSession).send("x");
    expect(seen[0]).toMatch(/no dialog of that name; register it with bot.dialog\("nope"/);
    await withSession.stop();

    expect(() => bot.dialog("", [() => {}])).toThrow(/name must be a non-empty string/);
    expect(() => bot.dialog("e", [])).toThrow(/steps must be a non-empty array/);
    expect(() => bot.dialog("e", ["x" as never])).toThrow(/step 0 must be a function/);
    expect(() => bot.dialog("e", [() => {}], { timeoutMs: -1 })).toThrow(RangeError);
    expect(() => bot.dialog("d", [() => {}])).toThrow(/already registered/);
  });
});
