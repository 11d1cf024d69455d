// Secure bot: auth (static tokens, compared in constant time), validate (valibot) and
// rateLimit, with an origin allowlist and a small maxPayload. Run: npm run example:secure
// It prints its URL, then plays each failure once with a raw WebSocket client and prints
// exactly what the client sees. Add --serve to keep it running afterwards.
import { createServer } from "node:http";
import { auth, Bot, rateLimit, staticTokens, validate } from "botwire";
import { escapeHtml } from "botwire/text";
import { serve } from "botwire/ws";
import * as v from "valibot";
import { WebSocket } from "ws";

// In production the token comes from the environment or a database, never from the code.
const TOKEN = process.env.BOT_TOKEN ?? "demo-token-0123456789";

const bot = new Bot();
bot.use(auth({ verify: staticTokens({ [TOKEN]: { id: "demo", name: "Demo <user>" } }) }));
bot.use(rateLimit({ limit: 5, windowMs: 10_000, key: "user", maxViolations: 3 }));

const note = validate(
  v.object({
    title: v.pipe(v.string(), v.maxLength(40)),
    body: v.pipe(v.string(), v.maxLength(500)),
  }),
  { target: "data" },
);
bot.command("note", note, (ctx) => {
  const { title } = note.get(ctx);
  // Text echoed into HTML is escaped: a web client can render it as markup safely.
  return ctx.reply({ text: `saved "${title}"`, data: { html: `<b>${escapeHtml(title)}</b>` } });
});
bot.on("message", (ctx) => ctx.reply(`hello ${ctx.user.name}`));

const server = createServer((_req, res) => res.writeHead(426).end("WebSocket only\n"));
serve(bot, { server, allowedOrigins: ["http://localhost:3002"], maxPayload: 16 * 1024 });
const port = Number(process.env.PORT ?? 3002);

/**
 * Opens a socket, sends frames, prints every frame and the close code it gets. With
 * `insist`, it answers a rate_limited refusal by sending that many more messages, 50 ms
 * apart, without waiting for its `retryAfterMs` (as a misbehaving client would). They start
 * 1.1 s after the refusal: messages sent within a second of it may have been on their way.
 */
function play(title, url, frames, { insist = 0, ...options } = {}) {
  return new Promise((resolve) => {
    console.log(`\n— ${title}`);
    const ws = new WebSocket(url, options);
    // Done after 300 ms (an insisting client: 1 s after its last message).
    let timer = setTimeout(() => ws.close(), insist === 0 ? 300 : 5000);
    ws.on("unexpected-response", (_req, res) => {
      console.log(`  HTTP ${res.statusCode} (upgrade refused)`);
      clearTimeout(timer);
      resolve();
    });
    ws.on("error", () => {});
    ws.on("open", () => {
      for (const frame of frames) ws.send(JSON.stringify(frame));
    });
    let insisted = false;
    ws.on("message", (data) => {
      console.log(`  < ${data}`);
      if (insisted || insist === 0 || JSON.parse(String(data)).code !== "rate_limited") return;
      insisted = true;
      clearTimeout(timer);
      timer = setTimeout(() => ws.close(), 1100 + insist * 50 + 1000);
      for (let i = 0; i < insist; i++) {
        setTimeout(
          () => {
            if (ws.readyState === WebSocket.OPEN) {
              ws.send(JSON.stringify({ type: "message", id: `again${i}`, text: "again" }));
            }
          },
          1100 + 50 * i,
        );
      }
    });
    ws.on("close", (code) => {
      clearTimeout(timer);
      console.log(`  closed ${code}`);
      resolve();
    });
  });
}

server.listen(port, "127.0.0.1", async () => {
  const url = `ws://127.0.0.1:${server.address().port}`;
  console.log(`secure bot: ${url} (token: hello.token or Authorization: Bearer)`);
  const msg = (id, extra) => ({ type: "message", id, ...extra });
  await play("valid token", url, [{ type: "hello", token: TOKEN }, msg("1", { text: "hi" })]);
  await play("no token → unauthorized, 4401", url, [msg("1", { text: "hi" })]);
  await play("bad token → unauthorized, 4401", url, [
    { type: "hello", token: "guess" },
    msg("1", { text: "hi" }),
  ]);
  await play("invalid data → bad_request", url, [
    { type: "hello", token: TOKEN },
    msg("1", { text: "/note", data: { title: 42 } }),
    msg("2", { text: "/note", data: { title: "<i>ok</i>", body: "text" } }),
  ]);
  // The budget (5 per 10 s) is per user, so the messages above already used part of it.
  // Messages already on their way when the refusal was sent are only refused; the client
  // is closed once it has sent maxViolations (3) more while told to wait.
  await play(
    "flood → rate_limited with retryAfterMs; ignoring it → 4429",
    url,
    [
      { type: "hello", token: TOKEN },
      ...Array.from({ length: 6 }, (_, i) => msg(String(i), { text: `m${i}` })),
    ],
    { insist: 4 },
  );
  await play("foreign Origin → refused at the upgrade", url, [], {
    origin: "https://evil.example",
  });
  if (process.argv.includes("--serve")) return;
  await bot.stop();
  server.close();
});

process.once("SIGINT", async () => {
  await bot.stop();
  server.close();
});
