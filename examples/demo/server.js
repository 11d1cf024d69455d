// The demo web chat: one http server serves the page, the browser build of botwire/client
// and the bot's WebSocket endpoint (/chat).
//
//   npm start                       → http://127.0.0.1:3000/
//   PORT=8080 HOST=0.0.0.0 npm start
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
  for (const name of ["index.html", "style.css", "app.js", "favicon.svg"]) {
    files.set(`/${name}`, await readFile(new URL(name, PUBLIC)));
  }
  files.set("/", files.get("/index.html"));
  files.set("/botwire-client.js", Buffer.from((await buildBrowserClient()).code));
  return files;
}

/**
 * Starts the demo. Resolves with its URL, the bot, and `stop()`/`start()` to take the server
 * down and bring it back on the same port (the bot and its memory stay).
 * @param {{ port?: number, host?: string, logger?: import("botwire").Logger }} [options]
 */
export async function startDemo({ port = 3000, host = "127.0.0.1", logger } = {}) {
  const files = await loadFiles();
  const bot = createDemoBot(logger ? { logger } : {});
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
    start,
    stop,
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
  });
  console.log(`botwire demo chat: ${demo.url}`);
  process.once("SIGINT", async () => {
    await demo.stop();
    process.exit(0);
  });
}
