// Signup form bot: a multi-step dialog over WebSocket, with a small page to try it.
// Run: npm run example:signup   (then open the printed URL)
// With REDIS_URL=redis://127.0.0.1:6379 sessions live in Redis: restart the server
// mid-signup (or run two on different PORTs) and the dialog carries on.
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { serve } from "botwire/ws";
import { createSignupBot } from "./bot.js";

async function redisStore(url) {
  if (!url) return undefined;
  const [{ Redis }, { RedisStore }] = await Promise.all([
    import("ioredis"),
    import("botwire/redis"),
  ]);
  // Fail fast while Redis is down: the user gets an error frame instead of a long wait.
  const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  redis.on("error", (error) => console.error("redis:", error.message));
  return new RedisStore(redis, { prefix: "signup-example:" });
}

const store = await redisStore(process.env.REDIS_URL);
const bot = createSignupBot({ ...(store && { store }) });
bot.catch((err) => console.error(err.message));

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
  const { port: actual } = server.address();
  console.log(`signup bot: http://${host}:${actual}/  (WebSocket ws://${host}:${actual}/chat)`);
  console.log(`sessions: ${store ? "Redis" : "in memory"}`);
});

process.once("SIGINT", async () => {
  await bot.stop();
  server.close();
  process.exit(0);
});
