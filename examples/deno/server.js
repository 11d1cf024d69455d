// A bot on Deno's own server (Deno.serve + Deno.upgradeWebSocket), beside the app's pages.
// Run: npm run build && deno run --allow-net --allow-env=PORT,HOST examples/deno/server.js
import { Bot } from "botwire";
import { WebTransport } from "botwire/web";

const bot = new Bot({ logger: console });
bot.command("start", (ctx) => ctx.reply("Hi from Deno! I repeat what you say. Try /shout hello."));
bot.command("shout", (ctx) => ctx.reply(ctx.command.args.toUpperCase() || "SAY SOMETHING"));
bot.on("message", (ctx) => ctx.reply(`echo: ${ctx.text ?? JSON.stringify(ctx.data)}`));

// Origin, capacity and per-address limits are checked before a WebSocket exists.
const wire = new WebTransport({ allowedOrigins: ["http://localhost:3000"] });
await bot.start(wire);

const server = Deno.serve(
  {
    port: Number(Deno.env.get("PORT") ?? 3000),
    hostname: Deno.env.get("HOST") ?? "127.0.0.1",
    onListen({ hostname, port }) {
      console.log(`deno bot: ws://${hostname}:${port}/chat`);
    },
  },
  (request, info) => {
    // Upgrades on /chat go to the bot (info: the client's address, for per-address limits).
    if (new URL(request.url).pathname === "/chat") {
      const upgraded = wire.upgrade(request, info);
      if (upgraded !== undefined) return upgraded;
    }
    return new Response("This server runs a botwire bot on ws://…/chat\n", {
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
  },
);

// Ctrl+C: stop the bot gracefully (clients get 1001 and may reconnect elsewhere).
Deno.addSignalListener("SIGINT", async () => {
  await bot.stop();
  await server.shutdown();
  Deno.exit(0);
});
