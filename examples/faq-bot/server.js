// FAQ bot: intents recognise free-form questions, cache() answers repeats without running
// the handlers again. Run: npm run example:faq   (prints the WebSocket URL)
// Try it with the built-in demo (`node examples/faq-bot/server.js --demo`) or any
// WebSocket client: send plain text such as "when r u open?".
import { createServer } from "node:http";
import { Bot, cache } from "botwire";
import { BotClient } from "botwire/client";
import { serve } from "botwire/ws";

const bot = new Bot();
const faq = cache({ ttlMs: 10 * 60_000 });

bot.command("start", (ctx) =>
  ctx.reply("Hi! Ask me about opening hours, shipping, returns or payment."),
);
bot.command("stats", (ctx) =>
  ctx.reply(`cache: ${faq.stats.hits} hits, ${faq.stats.misses} misses`),
);

// The cache sits in front of the answers only, so /commands and the fallback are not cached.
const answer = (text) => [faq, (ctx) => ctx.reply({ text, data: { intent: ctx.intent } })];
bot.intent(
  "hours",
  [
    "what are your opening hours",
    "when are you open",
    "what time do you close",
    "are you open on sunday",
    "store hours",
  ],
  ...answer("We are open 9:00–18:00, Monday to Saturday."),
);
bot.intent(
  "shipping",
  [
    "how long does delivery take",
    "how much does shipping cost",
    "do you ship abroad",
    "what shipping options are there",
    "is there free delivery",
  ],
  ...answer("Delivery takes 2–4 working days; free over €50. We ship to the EU and the UK."),
);
bot.intent(
  "returns",
  [
    "how do I return an item",
    "can I get a refund",
    "what is your return policy",
    "I want to send this back",
    "can I exchange a product",
  ],
  ...answer("Returns are free within 30 days: use the label in your parcel."),
);
bot.intent(
  "payment",
  [
    "what payment methods do you accept",
    "can I pay with paypal",
    "do you take credit cards",
    "can I pay in installments",
    "is apple pay supported",
  ],
  ...answer("We accept cards, PayPal and Apple Pay."),
);
bot.intent("greeting", ["hello", "hi there", "good morning", "hey"], (ctx) =>
  ctx.reply("Hello! How can I help?"),
);
bot.on("message", (ctx) =>
  ctx.reply("Sorry, I can only answer questions about hours, shipping, returns and payment."),
);

const server = createServer((_req, res) => res.writeHead(426).end("WebSocket only\n"));
serve(bot, { server });
const port = Number(process.env.PORT ?? 3001);
server.listen(port, "127.0.0.1", async () => {
  const url = `ws://127.0.0.1:${server.address().port}`;
  console.log(`faq bot: ${url}`);
  if (!process.argv.includes("--demo")) return;
  const client = new BotClient(url);
  await client.connect();
  for (const question of [
    "hi",
    "When r u open?",
    "when r u open",
    "do you ship to canada?!",
    "do you ship to canada",
    "can i pay with paypall",
    "tell me a joke",
    "/stats",
  ]) {
    const reply = await client.request(question);
    console.log(`> ${question}\n< ${reply.text}`);
  }
  client.close();
  await bot.stop();
  server.close();
});

process.once("SIGINT", async () => {
  await bot.stop();
  server.close();
});
