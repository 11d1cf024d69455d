// A bot mounted on a Hono app, here on Node (@hono/node-server + @hono/node-ws); the same
// route works with the upgradeWebSocket of hono/deno, hono/bun or hono/cloudflare-workers.
// Run: npm run build && node examples/hono/server.js
import { serve } from "@hono/node-server";
import { createNodeWebSocket } from "@hono/node-ws";
import { Bot } from "botwire";
import { WebTransport } from "botwire/web";
import { Hono } from "hono";

const bot = new Bot({ logger: console });
bot.command("start", (ctx) => ctx.reply("Hi from Hono! I repeat what you say. Try /shout hello."));
bot.command("shout", (ctx) => ctx.reply(ctx.command.args.toUpperCase() || "SAY SOMETHING"));
bot.on("message", (ctx) => ctx.reply(`echo: ${ctx.text ?? JSON.stringify(ctx.data)}`));

const app = new Hono();
const { injectWebSocket, upgradeWebSocket } = createNodeWebSocket({ app });
const wire = new WebTransport({ allowedOrigins: ["http://localhost:3000"] });
await bot.start(wire);

// Origin, capacity and per-address limits are checked before the helper upgrades.
app.get("/chat", wire.hono(upgradeWebSocket));
app.get("/", (c) => c.text("This server runs a botwire bot on ws://…/chat\n"));

const server = serve(
  {
    fetch: app.fetch,
    port: Number(process.env.PORT ?? 3000),
    hostname: process.env.HOST ?? "127.0.0.1",
  },
  ({ address, port }) => console.log(`hono bot: ws://${address}:${port}/chat`),
);
injectWebSocket(server);

// Ctrl+C: stop the bot gracefully (clients get 1001 and may reconnect elsewhere).
process.once("SIGINT", async () => {
  await bot.stop();
  server.close();
});
