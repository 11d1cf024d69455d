// The demo bot: commands, a dialog, intents, session memory and streamed replies, in one
// small file. It is plain botwire; server.js attaches it to an http server next to the page.
import { Bot, rateLimit, session } from "botwire";
import { localTokens } from "../shared/local-model.js";

const SIZES = ["small", "medium", "large"];
const TOPPINGS = ["margherita", "mushrooms", "pepperoni", "veggie"];

const HELP = [
  "Here is what I can do:",
  "/order: order a pizza (a dialog; /cancel leaves it)",
  "/roll [sides]: roll a die",
  "/echo <text>: repeat your text",
  "/story [topic]: a long answer, streamed word by word (Stop ends it; reload the page, it goes on)",
  "/think: I take a moment first (watch the typing indicator)",
  "/fix: I make a typo and correct it a second later",
  "/history: what we said so far",
  "/forget: forget everything about you",
  "Or just talk: say hi, tell me your name (“my name is Ada”), ask “what's my name?”",
  "or “when are you open?”.",
].join("\n");

/** Buttons the page shows under a bot message (rendered as text, never as HTML). */
const buttons = (...labels) => ({ buttons: labels });

/** The topic of `/story` without one. */
export const DEFAULT_TOPIC = "a lighthouse keeper who talks to ships";

/** What `/story <topic>` asks the local model (examples/shared/local-model.js). */
export const storyPrompt = (topic) => `Tell me a story about ${topic || DEFAULT_TOPIC}`;

/** Waits `ms`, or less when `signal` aborts (a Stop, a turn timeout, the bot stopping). */
function pause(ms, signal) {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

/**
 * Builds the demo bot. Everything it remembers lives in its session store.
 * @param {import("botwire").BotOptions & { storyDelayMs?: number }} [options] - Bot options,
 *   and `storyDelayMs`: the pause between two words of `/story` (default 40: about 10 s)
 */
export function createDemoBot({ storyDelayMs = 40, ...options } = {}) {
  const bot = new Bot(options);

  // Tight per-session policy: a demo that anyone can open should not be floodable.
  bot.use(rateLimit({ limit: 30, windowMs: 10_000 }));
  bot.use(session({ initial: () => ({ name: undefined, orders: 0 }), history: 20 }));

  bot.on("connect", (ctx) => {
    // Greet new sessions only: a resumed one continues where it left off.
    if (ctx.resumed) return;
    const name = ctx.session.name;
    return ctx.send({
      text: name
        ? `Welcome back, ${name}!`
        : "Hi! I'm the botwire demo bot. Type /help to see what I can do.",
      data: buttons("/help", "/order", "my name is Ada"),
    });
  });

  bot.command(["start", "help"], (ctx) =>
    ctx.reply({ text: HELP, data: buttons("/story", "/think", "/fix", "/order", "/roll", "hi") }),
  );

  // A streamed reply: the page shows it as it is written. ctx.signal aborts on Stop (the
  // page's cancel), so the model stops producing words; the final message then carries the
  // text so far with end "cancelled". A reload is not a Stop: the story goes on meanwhile.
  bot.command("story", async (ctx) => {
    const prompt = storyPrompt(ctx.command.args.trim());
    await ctx.replyStream(localTokens(prompt, { signal: ctx.signal, delayMs: storyDelayMs }));
  });

  // A slow handler: after streaming.typingDelayMs (600 ms) the bot shows `typing` by itself,
  // and takes it away when the handler is done.
  bot.command("think", async (ctx) => {
    await pause(2000, ctx.signal);
    if (ctx.signal.aborted) return;
    return ctx.reply("Hmm… I thought about it for two seconds: the answer is 42.");
  });

  // ctx.reply resolves with the message's seq; ctx.edit replaces that message on every tab.
  bot.command("fix", async (ctx) => {
    const seq = await ctx.reply("Teh answer is 42");
    await pause(1000, ctx.signal);
    if (ctx.signal.aborted) return;
    await ctx.edit(seq, "The answer is 42");
  });

  bot.command("cancel", (ctx) => {
    if (!ctx.dialog.active) return ctx.reply("Nothing to cancel.");
    ctx.dialog.exit();
    return ctx.reply("Cancelled. What next?");
  });

  bot.command("echo", (ctx) => ctx.reply(ctx.command.args || "Say something after /echo."));

  bot.command("roll", (ctx) => {
    const sides = Number.parseInt(ctx.command.argv[0] ?? "6", 10);
    if (!Number.isInteger(sides) || sides < 2 || sides > 1000) {
      return ctx.reply("Give me a number of sides from 2 to 1000, e.g. /roll 20.");
    }
    return ctx.reply(`🎲 ${1 + Math.floor(Math.random() * sides)} (d${sides})`);
  });

  bot.command("history", (ctx) => {
    const turns = ctx.history.slice(0, -1); // without this /history itself
    if (turns.length === 0) return ctx.reply("We have not talked yet.");
    return ctx.reply(
      turns.map((t) => `${t.from === "user" ? "you" : "bot"}: ${t.text}`).join("\n"),
    );
  });

  bot.command("forget", (ctx) => {
    ctx.session = { name: undefined, orders: 0 };
    return ctx.reply("Done: I forgot your name and your orders.");
  });

  bot.command("order", (ctx) => ctx.dialog.enter("order"));

  bot.dialog("order", [
    (ctx) => ctx.reply({ text: "🍕 What size?", data: buttons(...SIZES) }),
    (ctx) => {
      const size = ctx.text?.trim().toLowerCase();
      if (!SIZES.includes(size)) {
        ctx.dialog.repeat();
        return ctx.reply({ text: `Please pick ${SIZES.join(", ")}.`, data: buttons(...SIZES) });
      }
      ctx.dialog.state.size = size;
      return ctx.reply({ text: "Which pizza?", data: buttons(...TOPPINGS) });
    },
    (ctx) => {
      const topping = ctx.text?.trim().toLowerCase();
      if (!TOPPINGS.includes(topping)) {
        ctx.dialog.repeat();
        return ctx.reply({ text: `We have ${TOPPINGS.join(", ")}.`, data: buttons(...TOPPINGS) });
      }
      ctx.dialog.state.topping = topping;
      return ctx.reply({
        text: `A ${ctx.dialog.state.size} ${topping}. Shall I order it?`,
        data: buttons("yes", "no"),
      });
    },
    (ctx) => {
      if (!/^y(es)?$/i.test(ctx.text?.trim() ?? "")) return ctx.reply("No problem, order dropped.");
      ctx.session.orders++;
      const who = ctx.session.name ? `, ${ctx.session.name}` : "";
      return ctx.reply(`Ordered${who}! That's order #${ctx.session.orders} in this session.`);
    },
  ]);

  bot.hears(/\bmy name is ([\p{L}][\p{L}'-]{0,30})/iu, (ctx) => {
    ctx.session.name = ctx.match[1];
    return ctx.reply(`Nice to meet you, ${ctx.session.name}! I'll remember that.`);
  });

  bot.intent(
    "whoami",
    ["what is my name", "what's my name", "who am i", "do you know my name", "do you remember me"],
    (ctx) =>
      ctx.reply(
        ctx.session.name
          ? `You're ${ctx.session.name}.`
          : "I don't know yet. Tell me: “my name is …”.",
      ),
  );
  bot.intent("greeting", ["hi", "hello", "hey there", "good morning", "hello bot"], (ctx) =>
    ctx.reply(ctx.session.name ? `Hi again, ${ctx.session.name}!` : "Hello! What's your name?"),
  );
  bot.intent(
    "hours",
    ["when are you open", "opening hours", "what time do you close", "are you open today"],
    (ctx) => ctx.reply("We're open 9:00 to 17:00, Monday to Friday."),
  );
  bot.intent("thanks", ["thanks", "thank you", "cheers", "much appreciated"], (ctx) =>
    ctx.reply("You're welcome!"),
  );

  // Fallback. Echoing user text back is safe because the page renders it as text.
  bot.on("message", (ctx) => ctx.reply(`I didn't get “${ctx.text ?? ""}”. Try /help.`));

  return bot;
}
