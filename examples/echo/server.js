// Echo bot attached to an existing http server that also serves a page.
// Run: npm run example:echo   (then open the printed URL)
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { Bot } from "botwire";
import { serve } from "botwire/ws";

const bot = new Bot({ logger: console });

bot.command("start", (ctx) => ctx.reply("Hi! I repeat what you say. Try /shout hello."));
bot.command("shout", (ctx) => ctx.reply(ctx.command.args.toUpperCase() || "SAY SOMETHING"));
bot.on("message", (ctx) => ctx.reply(`echo: ${ctx.text ?? JSON.stringify(ctx.data)}`));

const page = await readFile(new URL("./index.html", import.meta.url));
const server = createServer((req, res) => {
  if (req.url === "/" || req.url === "/index.html") {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page);
  } else {
    res.writeHead(404).end("not found");
  }
});

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "127.0.0.1";
serve(bot, { server, path: "/chat" });
server.listen(port, host, () => {
  console.log(`echo bot: http://${host}:${server.address().port}/`);
});

// Ctrl+C: stop the bot gracefully (clients get 1001 and may reconnect elsewhere).
process.once("SIGINT", async () => {
  await bot.stop();
  server.close();
});
