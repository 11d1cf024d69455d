import { afterEach, describe, expect, it, vi } from "vitest";
import { defineDialog } from "../../src/dialog/define.js";
import { Bot, type Context, MemoryStore, type SessionFlavor, session } from "../../src/index.js";
import { createTestClient } from "../../src/testing/index.js";

type Ctx = Context & SessionFlavor<{ n: number }>;

const texts = async (p: Promise<Array<{ text?: string; code?: string }>>) =>
  (await p).map((m) => m.text ?? m.code);

/** A bot with a three-step dialog "d" and a fallback that reports the active dialog. */
function dialogBot(options: { store?: MemoryStore; steps?: number; timeoutMs?: number } = {}) {
  const bot = new Bot<Ctx>();
  const errors: string[] = [];
  bot.catch((err) => void errors.push(String((err.error as Error).message)));
  bot.use(
    session({
      initial: () => ({ n: 0 }),
      getKey: () => "k",
      ...(options.store && { store: options.store }),
    }),
  );
  bot.command("go", (ctx) => ctx.dialog.enter("d", { from: ctx.text }));
  const steps = Array.from(
    { length: options.steps ?? 3 },
    (_, i) => (ctx: Ctx) => ctx.reply(`step ${i} (${ctx.dialog.step})`),
  );
  bot.dialog("d", steps, options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs });
  bot.on("message", (ctx) => ctx.reply(`no dialog (${ctx.dialog.active})`));
  return { bot, errors };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("dialog timeouts", () => {
  it("counts timeoutMs from the last answered step, not from enter", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const { bot } = dialogBot({ timeoutMs: 60_000 });
    const c = createTestClient(bot);
    expect(await texts(c.send("/go"))).toEqual(["step 0 (0)"]);
    vi.setSystemTime(Date.now() + 50_000);
    expect(await texts(c.send("a"))).toEqual(["step 1 (1)"]);
    vi.setSystemTime(Date.now() + 50_000);
    expect(await texts(c.send("b"))).toEqual(["step 2 (2)"]);
    await bot.stop();
  });

  it("a repeated step renews the timeout too", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const bot = new Bot<Ctx>();
    bot.use(session({ initial: () => ({ n: 0 }) }));
    bot.command("go", (ctx) => ctx.dialog.enter("d"));
    bot.dialog(
      "d",
      [
        (ctx) => {
          if (ctx.text !== "ok") ctx.dialog.repeat();
          return ctx.reply(`got ${ctx.text}`);
        },
        (ctx) => ctx.reply("done"),
      ],
      { timeoutMs: 60_000 },
    );
    bot.on("message", (ctx) => ctx.reply("no dialog"));
    const c = createTestClient(bot);
    expect(await texts(c.send("/go"))).toEqual(["got /go"]);
    vi.setSystemTime(Date.now() + 50_000);
    expect(await texts(c.send("no"))).toEqual(["got no"]);
    vi.setSystemTime(Date.now() + 50_000);
    expect(await texts(c.send("ok"))).toEqual(["got ok"]);
    expect(await texts(c.send("x"))).toEqual(["done"]);
    await bot.stop();
  });

  it("a dialog answered exactly timeoutMs later is still active", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const { bot } = dialogBot({ timeoutMs: 60_000 });
    const c = createTestClient(bot);
    await c.send("/go");
    vi.setSystemTime(Date.now() + 60_000);
    expect(await texts(c.send("a"))).toEqual(["step 1 (1)"]);
    vi.setSystemTime(Date.now() + 60_001);
    expect(await texts(c.send("b"))).toEqual(["no dialog (undefined)"]);
    await bot.stop();
  });

  it("without timeoutMs a dialog waits however long", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const { bot } = dialogBot();
    const c = createTestClient(bot);
    await c.send("/go");
    vi.setSystemTime(Date.now() + 365 * 86_400_000);
    expect(await texts(c.send("a"))).toEqual(["step 1 (1)"]);
    await bot.stop();
  });
});

describe("dialogs after a redeploy", () => {
  it("a stored dialog that is no longer registered ends before the handlers see it", async () => {
    const store = new MemoryStore();
    const before = dialogBot({ store });
    await createTestClient(before.bot).send("/go");
    expect(store.get("k")).toMatchObject({ dialog: { name: "d", step: 1 } });
    await before.bot.stop();

    const after = new Bot<Ctx>();
    after.use(session({ initial: () => ({ n: 0 }), store, getKey: () => "k" }));
    after.on("message", (ctx) => ctx.reply(`no dialog (${ctx.dialog.active})`));
    expect(await texts(createTestClient(after).send("a"))).toEqual(["no dialog (undefined)"]);
    await after.stop();
  });

  it("a stored dialog past the new last step ends, and the next message is not in it", async () => {
    const store = new MemoryStore();
    const before = dialogBot({ store, steps: 3 });
    const c1 = createTestClient(before.bot);
    await c1.send("/go");
    await c1.send("a"); // now at step 2
    await before.bot.stop();

    const after = dialogBot({ store, steps: 2 });
    const c2 = createTestClient(after.bot);
    // (That message itself gets no answer today: see the note in docs/testing.md.)
    await c2.send("b");
    expect(store.get("k")).not.toHaveProperty("dialog");
    expect(await texts(c2.send("c"))).toEqual(["no dialog (undefined)"]);
    expect(after.errors).toEqual([]);
    await after.bot.stop();
  });
});

describe("ctx.dialog", () => {
  it("enter copies the state it is given, and state can be read, changed and replaced", async () => {
    const bot = new Bot<Ctx>();
    bot.use(session({ initial: () => ({ n: 0 }) }));
    const initial = { items: ["a"] };
    bot.command("go", async (ctx) => {
      await ctx.dialog.enter("d", initial);
      initial.items.push("changed after enter");
    });
    bot.dialog<{ items: string[] }>("d", [
      (ctx) => ctx.reply(`0: ${ctx.dialog.state.items.join(",")}`),
      (ctx) => {
        ctx.dialog.state.items.push(ctx.text ?? "");
        return ctx.reply(`1: ${ctx.dialog.state.items.join(",")}`);
      },
      (ctx) => {
        const before = ctx.dialog.state.items.join(",");
        ctx.dialog.state = { items: ["replaced"] };
        ctx.dialog.repeat();
        return ctx.reply(`2: ${before}`);
      },
    ]);
    bot.on("message", (ctx) => ctx.reply("fallback"));
    const c = createTestClient(bot);
    expect(await texts(c.send("/go"))).toEqual(["0: a"]);
    expect(await texts(c.send("b"))).toEqual(["1: a,b"]);
    expect(await texts(c.send("x"))).toEqual(["2: a,b"]);
    expect(await texts(c.send("y"))).toEqual(["2: replaced"]);
    await bot.stop();
    expect(initial.items).toEqual(["a", "changed after enter"]);
  });

  it("an enter with no state starts with {}", async () => {
    const bot = new Bot<Ctx>();
    bot.use(session({ initial: () => ({ n: 0 }) }));
    bot.command("go", (ctx) => ctx.dialog.enter("d"));
    bot.dialog("d", [(ctx) => ctx.reply(JSON.stringify(ctx.dialog.state))]);
    expect(await texts(createTestClient(bot).send("/go"))).toEqual(["{}"]);
    await bot.stop();
  });

  it("refuses non-object state, repeat() outside a step, and state with no dialog", async () => {
    const bot = new Bot<Ctx>();
    const errors: string[] = [];
    bot.catch((err) => void errors.push(String((err.error as Error).message)));
    bot.use(session({ initial: () => ({ n: 0 }) }));
    bot.command("array", (ctx) => ctx.dialog.enter("d", [] as never));
    bot.command("null", (ctx) => ctx.dialog.enter("d", null as never));
    bot.command("number", (ctx) => ctx.dialog.enter("d", 5 as never));
    bot.command("repeat", (ctx) => ctx.dialog.repeat());
    bot.command("read", (ctx) => ctx.reply(String(ctx.dialog.state)));
    bot.command("write", (ctx) => {
      ctx.dialog.state = {};
    });
    bot.dialog("d", [
      (ctx) => {
        ctx.dialog.state = [] as never;
      },
    ]);
    bot.command("go", (ctx) => ctx.dialog.enter("d"));
    const c = createTestClient(bot);
    for (const command of ["/array", "/null", "/number", "/repeat", "/read", "/write", "/go"]) {
      expect(await texts(c.send(command))).toEqual(["internal"]);
    }
    expect(errors).toEqual([
      "ctx.dialog.enter(name, state): state must be a plain object",
      "ctx.dialog.enter(name, state): state must be a plain object",
      "ctx.dialog.enter(name, state): state must be a plain object",
      "ctx.dialog.repeat() can only be called from a dialog step",
      "ctx.dialog.state: no dialog is active",
      "ctx.dialog.state: no dialog is active",
      "ctx.dialog.state must be a plain object",
    ]);
    await bot.stop();
  });

  it("exit() from a step ends the dialog without advancing", async () => {
    const bot = new Bot<Ctx>();
    bot.use(session({ initial: () => ({ n: 0 }) }));
    bot.command("go", (ctx) => ctx.dialog.enter("d"));
    bot.dialog("d", [
      (ctx) => ctx.reply("0"),
      (ctx) => {
        ctx.dialog.exit();
        return ctx.reply(`exited (${ctx.dialog.active})`);
      },
      (ctx) => ctx.reply("never"),
    ]);
    bot.on("message", (ctx) => ctx.reply(`no dialog (${ctx.dialog.active}, ${ctx.dialog.step})`));
    const c = createTestClient(bot);
    await c.send("/go");
    expect(await texts(c.send("a"))).toEqual(["exited (undefined)"]);
    expect(await texts(c.send("b"))).toEqual(["no dialog (undefined, undefined)"]);
    await bot.stop();
  });

  it("an active dialog does not take connect updates", async () => {
    const store = new MemoryStore();
    const { bot } = dialogBot({ store });
    const seen: string[] = [];
    bot.on("connect", () => void seen.push("connect handler"));
    await createTestClient(bot).send("/go");
    const again = createTestClient(bot);
    expect(await texts(again.send("a"))).toEqual(["step 1 (1)"]);
    expect(seen).toEqual(["connect handler", "connect handler"]);
    await bot.stop();
  });
});

describe("bot.dialog() registration", () => {
  it("checks every argument and names it", () => {
    const step = () => undefined;
    expect(() => defineDialog(5, [step], {})).toThrow(TypeError);
    expect(() => defineDialog("d", "steps", {})).toThrow(
      'bot.dialog("d", steps): steps must be a non-empty array',
    );
    expect(() => defineDialog("d", [step, step, 3], {})).toThrow(
      'bot.dialog("d"): step 2 must be a function, got number',
    );
    expect(() => defineDialog("d", [step], null)).toThrow(
      'bot.dialog("d", steps, options): options must be an object',
    );
    expect(() => defineDialog("d", [step], 5)).toThrow(TypeError);
    for (const timeoutMs of [0, -5, Number.NaN, Number.POSITIVE_INFINITY, "100"]) {
      expect(() => defineDialog("d", [step], { timeoutMs })).toThrow(
        'bot.dialog("d"): options.timeoutMs must be a positive number of milliseconds',
      );
    }
  });

  it("keeps its own copy of the steps and the timeout", () => {
    const steps = [() => "a"];
    const definition = defineDialog("d", steps, { timeoutMs: 1.5 });
    steps.push(() => "b");
    expect(definition).toEqual({ name: "d", steps: [steps[0]], timeoutMs: 1.5 });
    expect(defineDialog("d", steps, {}).timeoutMs).toBeUndefined();
  });
});

describe("dialogs: misuse", () => {
  it("repeat() after a step has returned is outside the step", async () => {
    const bot = new Bot<Ctx>();
    const errors: string[] = [];
    bot.catch((err) => void errors.push(String((err.error as Error).message)));
    bot.use(session({ initial: () => ({ n: 0 }) }));
    bot.command("go", async (ctx) => {
      await ctx.dialog.enter("d");
      ctx.dialog.repeat();
    });
    bot.dialog("d", [(ctx) => ctx.reply("step 0"), (ctx) => ctx.reply("step 1")]);
    const replies = await createTestClient(bot).send("/go");
    expect(replies.map((m) => m.text ?? m.code)).toEqual(["step 0", "internal"]);
    expect(errors).toEqual(["ctx.dialog.repeat() can only be called from a dialog step"]);
    await bot.stop();
  });

  it("a chain that replaced ctx.dialog gets a clear error from the dialog router", async () => {
    const bot = new Bot<Ctx>();
    const errors: string[] = [];
    bot.catch((err) => void errors.push(String((err.error as Error).message)));
    bot.use((ctx, next) => {
      ctx.sessionBinding = { record: { data: { n: 0 } }, dialog: { active: undefined } };
      return next();
    });
    bot.dialog("d", [() => undefined]);
    expect(await texts(createTestClient(bot).send("x"))).toEqual(["internal"]);
    expect(errors).toEqual([
      "bot.dialog(): ctx.dialog was replaced; dialogs need the session() middleware",
    ]);
    await bot.stop();
  });
});
