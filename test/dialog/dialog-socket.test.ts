import { afterEach, describe, expect, it } from "vitest";
import { Bot, type Context, type SessionFlavor, session } from "../../src/index.js";
import { connect, start } from "../session/helpers.js";

type Ctx = Context & SessionFlavor<{ signups: number }>;
interface Signup {
  email?: string;
  age?: number;
}

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

async function signupBot() {
  const bot = new Bot<Ctx>();
  bot.use(session({ initial: () => ({ signups: 0 }) }));
  bot.command("cancel", (ctx) => {
    const active = ctx.dialog.active;
    ctx.dialog.exit();
    return ctx.reply(active ? "Cancelled." : "Nothing to cancel.");
  });
  bot.command("signup", (ctx) => ctx.dialog.enter("signup"));
  bot.dialog<Signup>("signup", [
    (ctx) => ctx.reply("Email?"),
    (ctx) => {
      if (!/^[^@\s]+@[^@\s]+$/.test(ctx.text ?? "")) {
        ctx.dialog.repeat();
        return ctx.reply("That is not an email. Email?");
      }
      ctx.dialog.state.email = ctx.text ?? "";
      return ctx.reply("Age?");
    },
    (ctx) => {
      ctx.dialog.state.age = Number(ctx.text);
      ctx.session.signups += 1;
      const { email, age } = ctx.dialog.state;
      return ctx.reply(`Signed up ${email}, ${age} (signup #${ctx.session.signups})`);
    },
  ]);
  bot.on("message", (ctx) => ctx.reply("Say /signup"));
  const server = await start(bot);
  stops.push(server.close);
  return server.url;
}

describe("a dialog over real sockets", () => {
  it("walks through an invalid answer, /cancel, and a reconnect in the middle", async () => {
    const url = await signupBot();
    const first = await connect(url);
    expect((await first.say("/signup")).text).toBe("Email?");
    expect((await first.say("not-an-email")).text).toBe("That is not an email. Email?");
    expect((await first.say("/cancel")).text).toBe("Cancelled.");
    expect((await first.say("ada@example.org")).text).toBe("Say /signup");

    expect((await first.say("/signup")).text).toBe("Email?");
    expect((await first.say("ada@example.org")).text).toBe("Age?");
    const resume = { session: first.welcome.session, lastSeq: first.lastSeq() };
    await first.close();

    const second = await connect(url, resume);
    expect(second.welcome.resumed).toBe(true);
    expect((await second.say("36")).text).toBe("Signed up ada@example.org, 36 (signup #1)");
    expect((await second.say("36")).text).toBe("Say /signup");
    expect((await second.say("/cancel")).text).toBe("Nothing to cancel.");
    await second.close();
  });
});
