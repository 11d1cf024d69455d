// A bot mounted on an existing Socket.IO server, beside the app's own events.
// Run: npm run example:socketio   (then open the printed URL, or: node examples/socket.io/client.js)
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { Bot } from "botwire";
import { attachToSocketIO } from "botwire/socket.io";
import { Server } from "socket.io";

const bot = new Bot({ logger: console });
bot.command("start", (ctx) => ctx.reply(`Hi ${ctx.user?.name ?? "there"}! I repeat what you say.`));
bot.command("shout", (ctx) => ctx.reply(ctx.command.args.toUpperCase() || "SAY SOMETHING"));
bot.on("message", (ctx) => ctx.reply(`echo: ${ctx.text ?? JSON.stringify(ctx.data)}`));

const page = await readFile(new URL("./index.html", import.meta.url));
const http = createServer((req, res) => {
  if (req.url === "/" || req.url === "/index.html") {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page);
  } else {
    res.writeHead(404).end("not found");
  }
});

const io = new Server(http, {
  // Socket.IO's `cors` only covers HTTP long-polling; `allowRequest` sees every transport's
  // first request. Browsers always send Origin: accept this page's own origin only.
  allowRequest: (req, callback) => {
    const origin = req.headers.origin;
    callback(null, origin === undefined || origin === `http://${req.headers.host}`);
  },
});

// The app's own events go on as before, on their own namespace.
io.on("connection", (socket) => {
  socket.on("time", (ack) => ack(new Date().toISOString()));
});

// The bot gets a namespace. Your auth middleware's socket.data.user becomes ctx.user (here a
// display name from the handshake, for the demo; a real app checks a cookie or a token).
const botSpace = io.of("/bot");
botSpace.use((socket, next) => {
  const name = socket.handshake.auth?.name;
  if (typeof name === "string" && name !== "") socket.data.user = { id: name, name };
  next();
});
const handle = attachToSocketIO(bot, botSpace);

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "127.0.0.1";
http.listen(port, host, () => {
  console.log(`socket.io bot: http://${host}:${http.address().port}/`);
});

// Ctrl+C: detach the bot (clients get 1001), then close Socket.IO and the http server.
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, async () => {
    await handle.close();
    io.close();
  });
}
