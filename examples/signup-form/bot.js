// The signup bot: a multi-step dialog with validation, /cancel and a summary. Its state
// lives in the session, so a reload (the page resumes its protocol session) or, with a
// RedisStore, a restart or another node continues where the user left off.
import { Bot, session } from "botwire";

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const PLANS = ["basic", "pro"];

/** @param {{ store?: import("botwire/storage").Store, logger?: import("botwire").Logger }} options */
export function createSignupBot(options = {}) {
  const bot = new Bot(options);

  // history: the last 10 turns, used by /recap.
  bot.use(session({ initial: () => ({ accounts: [] }), history: 10, ttlMs: 7 * 24 * 3600_000 }));

  // Registered before the dialog, so /cancel works in the middle of it.
  bot.command("cancel", (ctx) => {
    if (!ctx.dialog.active) return ctx.reply("Nothing to cancel. Type /signup to start.");
    ctx.dialog.exit();
    return ctx.reply("Signup cancelled. Nothing was saved.");
  });
  bot.command(["start", "help"], (ctx) =>
    ctx.reply("Hi! /signup creates an account, /accounts lists yours, /cancel stops a signup."),
  );
  bot.command("signup", (ctx) => ctx.dialog.enter("signup"));
  bot.command("accounts", (ctx) => {
    const list = ctx.session.accounts.map((a) => `${a.name} <${a.email}> (${a.plan})`);
    return ctx.reply(list.length ? list.join("\n") : "No accounts yet. Type /signup.");
  });
  bot.command("recap", (ctx) =>
    ctx.reply(ctx.history.map((t) => `${t.from}: ${t.text}`).join("\n")),
  );

  // Each step answers one message; repeat() keeps the user on a step after a bad answer.
  // An abandoned signup ends after 10 minutes of silence.
  bot.dialog(
    "signup",
    [
      (ctx) => ctx.reply("Let's create your account (/cancel stops). What is your name?"),
      (ctx) => {
        const name = (ctx.text ?? "").trim();
        if (name.length < 2 || name.length > 40 || name.startsWith("/")) {
          ctx.dialog.repeat();
          return ctx.reply("Please type a name of 2 to 40 characters.");
        }
        ctx.dialog.state.name = name;
        return ctx.reply(`Nice to meet you, ${name}. Your email address?`);
      },
      (ctx) => {
        const email = (ctx.text ?? "").trim().toLowerCase();
        if (!EMAIL.test(email)) {
          ctx.dialog.repeat();
          return ctx.reply("That does not look like an email address. Try again?");
        }
        if (ctx.session.accounts.some((a) => a.email === email)) {
          ctx.dialog.repeat();
          return ctx.reply("You already have an account with that email. Another one?");
        }
        ctx.dialog.state.email = email;
        return ctx.reply("How old are you?");
      },
      (ctx) => {
        const age = Number(ctx.text);
        if (!Number.isInteger(age) || age < 13 || age > 120) {
          ctx.dialog.repeat();
          return ctx.reply("Please type your age as a whole number (13 or older).");
        }
        ctx.dialog.state.age = age;
        return ctx.reply(`Which plan: ${PLANS.join(" or ")}?`);
      },
      (ctx) => {
        const plan = (ctx.text ?? "").trim().toLowerCase();
        if (!PLANS.includes(plan)) {
          ctx.dialog.repeat();
          return ctx.reply(`Please choose ${PLANS.join(" or ")}.`);
        }
        ctx.dialog.state.plan = plan;
        const { name, email, age } = ctx.dialog.state;
        return ctx.reply(
          `Summary:\n  name: ${name}\n  email: ${email}\n  age: ${age}\n  plan: ${plan}\nCreate this account? (yes/no)`,
        );
      },
      (ctx) => {
        const answer = (ctx.text ?? "").trim().toLowerCase();
        if (answer === "no") return ctx.reply("Okay, discarded. Type /signup to start again.");
        if (answer !== "yes") {
          ctx.dialog.repeat();
          return ctx.reply("Please answer yes or no.");
        }
        ctx.session.accounts.push({ ...ctx.dialog.state, createdAt: new Date().toISOString() });
        const { name, plan } = ctx.dialog.state;
        return ctx.reply(`Welcome aboard, ${name}! Your ${plan} account is ready. See /accounts.`);
      },
    ],
    { timeoutMs: 10 * 60_000 },
  );

  bot.on("message", (ctx) => ctx.reply("Type /signup to create an account, or /help."));
  return bot;
}
