import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createNodeWebSocket } from "@hono/node-ws";
import { Hono } from "hono";
import { WebSocket } from "ws";
import type { Bot } from "../../../src/bot/bot.js";
import type { SuiteSocket } from "../../../src/testing/index.js";
import { WebTransport, type WebTransportOptions } from "../../../src/transports/web/index.js";

/** A client frame without the mask every client frame must carry: the server's socket errors. */
const UNMASKED_TEXT_FRAME = Buffer.from([0x81, 0x01, 0x61]);

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
      const ws = new WebSocket(`ws://127.0.0.1:${port}/chat`, { headers });
      sockets.push(ws);
      const received: string[] = [];
      const closed = new Promise<number>((resolve) => ws.once("close", resolve));
      ws.on("error", () => {
        // A broken or refused connection ends in 'close', which the cases await.
      });
      ws.on("message", (data, isBinary) => {
        if (!isBinary) received.push(data.toString());
      });
      await new Promise<void>((resolve, reject) => {
        ws.once("open", resolve);
        ws.once("unexpected-response", (_req, res) =>
          reject(
            Object.assign(new Error(`refused: ${res.statusCode}`), { status: res.statusCode }),
          ),
        );
        ws.once("close", () => reject(new Error("closed before open")));
      });
      return {
        ws,
        send: (frame) => ws.send(frame),
        sendBinary: () => ws.send(Buffer.from([1, 2, 3]), { binary: true }),
        pause: () => ws.pause(),
        received,
        closed,
        close: () => ws.close(1000),
        break: () => {
          const tcp = (ws as unknown as { _socket: import("node:net").Socket })._socket;
          tcp.write(UNMASKED_TEXT_FRAME);
        },
      };
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
