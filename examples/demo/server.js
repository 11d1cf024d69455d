// The demo web chat: one http server serves the page, the browser build of botwire/client
// and the bot's WebSocket endpoint (/chat).
//
//   npm start                                       → http://127.0.0.1:3000/, state in memory
//   REDIS_URL=redis://127.0.0.1:6379 npm start      → state in Redis: survives a restart
//   PORT=8080 HOST=0.0.0.0 npm start
//
// Where the state lives decides what a restart of the process keeps. In memory (the default)
// a restarted process has forgotten every session: the page notices and starts a new one.
// With REDIS_URL, sessions, the outbox and the ids of handled messages are in Redis
// (RedisStore + RedisBroker), so the page resumes where it was, with no lost or repeated
// message. Ctrl+C or SIGTERM closes every connection with 1001 (clients reconnect) and exits.
//
// `startDemo()` is also used by the browser end-to-end tests (test/e2e), which stop and
// restart the server in-process to show that the page resumes without losing a message.
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import { serve } from "botwire/ws";
import { createDemoBot } from "./bot.js";
import { buildBrowserClient } from "./build-client.js";

const PUBLIC = new URL("./public/", import.meta.url);
const TYPES = { html: "text/html", css: "text/css", js: "text/javascript", svg: "image/svg+xml" };

// The page may only load its own files and talk to its own server; inline scripts (and
// so any injected markup with handlers) are refused as a second line of defence.
const HEADERS = {
  "content-security-policy":
    "default-src 'self'; connect-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-cache",
};

async function loadFiles() {
  const files = new Map();
  for (const name of ["index.html", "style.css", "app.js", "memory.js", "favicon.svg"]) {
    files.set(`/${name}`, await readFile(new URL(name, PUBLIC)));
  }
  files.set("/", files.get("/index.html"));
  files.set("/botwire-client.js", Buffer.from((await buildBrowserClient()).code));
  return files;
}

/**
 * Connects to Redis for the bot's state, or does nothing without a URL (state in memory).
 * ioredis is imported only then: the demo runs without it.
 * @param {string | undefined} url
 * @param {string} prefix
 * @param {import("botwire").Logger | undefined} logger
 */
async function connectState(url, prefix, logger) {
  if (!url) return { options: {}, close: async () => {} };
  const { Redis } = await import("ioredis");
  const { RedisBroker, RedisStore } = await import("botwire/redis");
  // As docs/scaling.md recommends: while Redis is away, commands fail at once (and every
  // store, ledger and broker operation has a 2 s deadline), so each message gets an answer.
  const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  const sub = redis.duplicate();
  const clients = [redis, sub];
  for (const client of clients) {
    client.on("error", (error) => logger?.warn?.("redis connection error", { error }));
  }
  const close = async () => {
    await Promise.allSettled(clients.map((client) => client.quit()));
  };
  try {
    await Promise.all(clients.map((client) => ready(client, 10_000)));
  } catch (error) {
    for (const client of clients) client.disconnect();
    throw new Error(`cannot reach Redis at REDIS_URL (${error.message})`);
  }
  const options = {
    store: new RedisStore(redis, { prefix }),
    broker: new RedisBroker(redis, sub, { prefix }),
  };
  return { options, close };
}

/** Resolves once `client` is ready; rejects after `ms`. */
function ready(client, ms) {
  if (client.status === "ready") return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready after ${ms} ms`)), ms);
    client.once("ready", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Starts the demo. Resolves with its URL, the bot, `stop()`/`start()` to take the server
 * down and bring it back on the same port (the bot and its state stay), and `close()` to
 * stop for good (also closing the Redis connections).
 * @param {{ port?: number, host?: string, logger?: import("botwire").Logger,
 *   redisUrl?: string, redisPrefix?: string }} [options] - `redisUrl`: keep the state in
 *   Redis, under `redisPrefix` (default "botwire-demo:"), instead of in memory
 */
export async function startDemo({
  port = 3000,
  host = "127.0.0.1",
  logger,
  redisUrl,
  redisPrefix = "botwire-demo:",
} = {}) {
  const files = await loadFiles();
  const state = await connectState(redisUrl, redisPrefix, logger);
  const bot = createDemoBot({ ...state.options, ...(logger ? { logger } : {}) });
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const body = req.method === "GET" || req.method === "HEAD" ? files.get(path) : undefined;
    if (body === undefined) return res.writeHead(404, HEADERS).end("not found\n");
    const type = TYPES[path === "/" ? "html" : path.split(".").pop()] ?? "application/octet-stream";
    res.writeHead(200, { ...HEADERS, "content-type": `${type}; charset=utf-8` }).end(body);
  });
  let handle;
  let boundPort = port;

  async function start() {
    handle = serve(bot, {
      server,
      path: "/chat",
      // Same-origin only: a page on another site cannot talk to this bot (403 at the upgrade).
      upgrade: (req) => {
        const origin = req.headers.origin;
        const same = origin === undefined || origin === `http://${req.headers.host}`;
        return same || { status: 403, message: "origin not allowed" };
      },
    });
    await handle.ready;
    await new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(boundPort, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    boundPort = server.address().port;
  }

  async function stop() {
    await handle.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(() => resolve()));
  }

  await start();
  return {
    bot,
    get url() {
      return `http://${hostForUrl(host)}:${boundPort}/`;
    },
    /** Where the state lives: "redis" or "memory". */
    state: redisUrl ? "redis" : "memory",
    start,
    stop,
    async close() {
      if (server.listening) await stop();
      await state.close();
    },
  };
}

function hostForUrl(host) {
  return host === "0.0.0.0" || host === "::"
    ? "localhost"
    : host.includes(":")
      ? `[${host}]`
      : host;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const demo = await startDemo({
    port: Number(process.env.PORT ?? 3000),
    host: process.env.HOST ?? "127.0.0.1",
    logger: console,
    redisUrl: process.env.REDIS_URL || undefined,
    redisPrefix: process.env.REDIS_PREFIX || undefined,
  });
  console.log(`botwire demo chat: ${demo.url}`);
  console.log(
    demo.state === "redis"
      ? "state: Redis (a restart keeps every conversation)"
      : "state: memory (a restart forgets every conversation; set REDIS_URL to keep them)",
  );
  // Graceful shutdown: close every connection with 1001 "going away" (clients reconnect and
  // resume), let running handlers finish, close Redis, exit. A second signal exits at once.
  let stopping = false;
  const shutdown = async (signal) => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log(`${signal}: closing connections and exiting`);
    setTimeout(() => process.exit(1), 10_000).unref();
    try {
      await demo.close();
      process.exit(0);
    } catch (error) {
      console.error(error);
      process.exit(1);
    }
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}
