// A bot on Bun's own WebSocket server, attached to your Bun.serve beside a page.
// Run: npm run example:bun   (or, with Bun installed: npm run build && bun examples/bun/server.js)
import { Bot } from "botwire";
import { bunTransport } from "botwire/bun";

const bot = new Bot({ logger: console });
bot.command("start", (ctx) => ctx.reply("Hi from Bun! I repeat what you say. Try /shout hello."));
bot.command("shout", (ctx) => ctx.reply(ctx.command.args.toUpperCase() || "SAY SOMETHING"));
bot.on("message", (ctx) => ctx.reply(`echo: ${ctx.text ?? JSON.stringify(ctx.data)}`));

// Upgrades on /chat go to the bot; every other request is the app's.
const wire = bunTransport(bot, { path: "/chat" });
const server = Bun.serve({
  port: Number(process.env.PORT ?? 3000),
  hostname: process.env.HOST ?? "127.0.0.1",
  fetch: (request, srv) =>
    wire.upgrade(request, srv) ??
    new Response("This server runs a botwire bot on ws://…/chat\n", {
      headers: { "content-type": "text/plain; charset=utf-8" },
    }),
  websocket: wire.websocket,
});
await wire.ready;
console.log(`bun bot: ws://${server.hostname}:${server.port}/chat`);

// Ctrl+C: stop the bot gracefully (clients get 1001 and may reconnect elsewhere).
process.once("SIGINT", async () => {
  await wire.close();
  await server.stop();
  process.exit(0);
});
