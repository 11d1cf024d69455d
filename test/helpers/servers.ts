import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach } from "vitest";
import { Bot } from "../../src/index.js";
import { type ServeOptions, serve } from "../../src/transports/ws/index.js";
import { RawClient } from "./ws-client.js";

/** Starts an http server on 127.0.0.1, port 0, and returns it with its base URLs. */
export async function listen(server: Server = createServer()): Promise<{
  server: Server;
  http: string;
  ws: string;
  close: () => Promise<void>;
}> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    http: `http://127.0.0.1:${port}`,
    ws: `ws://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Work to undo after each test of the calling file, last registered first: push a function
 * onto the returned list (closing a server, a bot, a client).
 */
export function cleanupAfterEach(): Array<() => Promise<unknown> | unknown> {
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  afterEach(async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn();
  });
  return cleanups;
}

/** A bot that answers every message with `echo: <text>`. */
export function echoBot(): Bot {
  const bot = new Bot();
  bot.on("message", (ctx) => ctx.reply(`echo: ${ctx.text}`));
  return bot;
}

/** Cleanups registered by the helpers below, run after each test. */
type Cleanups = Array<() => Promise<unknown> | unknown>;

/** Serves `bot` on its own port on 127.0.0.1 (closed after the test); resolves with its URL. */
export async function serveOnPort(
  cleanups: Cleanups,
  bot: Bot,
  options: Omit<ServeOptions, "port" | "host" | "server" | "noServer"> = {},
) {
  const handle = serve(bot, { port: 0, host: "127.0.0.1", ...options });
  await handle.ready;
  cleanups.push(() => handle.close());
  const { port } = handle.address() as AddressInfo;
  return { handle, url: `ws://127.0.0.1:${port}` };
}

/** A raw WebSocket client with extra request headers (closed after the test). */
export function rawClientOf(cleanups: Cleanups, url: string, headers: Record<string, string> = {}) {
  const c = new RawClient(url, { headers });
  cleanups.push(() => c.close());
  return c;
}
