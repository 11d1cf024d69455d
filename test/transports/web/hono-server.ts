import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createNodeWebSocket } from "@hono/node-ws";
import { Hono } from "hono";
import type { WebSocket } from "ws";
import type { Bot } from "../../../src/bot/bot.js";
import type { SuiteSocket } from "../../../src/testing/index.js";
import { WebTransport, type WebTransportOptions } from "../../../src/transports/web/index.js";
import { connectWs } from "../../helpers/ws-suite-socket.js";

/** A bot on botwire/web mounted on a Hono app at /chat, served by @hono/node-server. */
export async function serveOnHono(bot: Bot, options: WebTransportOptions = {}) {
  const app = new Hono();
  const { injectWebSocket, upgradeWebSocket } = createNodeWebSocket({ app });
  const wire = new WebTransport(options);
  await bot.start(wire);
  app.get("/chat", wire.hono(upgradeWebSocket));
  app.get("/chat", (c) => c.text("plain page"));
  const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
  injectWebSocket(server);
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const { port } = server.address() as AddressInfo;
  const sockets: WebSocket[] = [];
  return {
    port,
    wire,
    url: `ws://127.0.0.1:${port}/chat`,
    /** Opens a `ws` client (pause: `ws.pause()`; break: an unmasked frame). */
    async connect(headers: Record<string, string> = {}): Promise<SuiteSocket & { ws: WebSocket }> {
      const socket = await connectWs(`ws://127.0.0.1:${port}/chat`, headers);
      sockets.push(socket.ws);
      return socket;
    },
    async close() {
      for (const ws of sockets) ws.terminate();
      await bot.stop(wire);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
    },
  };
}
