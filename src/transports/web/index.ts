/**
 * `botwire/web`: a bot on standard server-side WebSockets — Deno (`Deno.upgradeWebSocket`),
 * Cloudflare Workers and Durable Objects (`WebSocketPair`), and Hono's `upgradeWebSocket`
 * helper on any runtime (Node with `@hono/node-ws`, Deno, Bun, Workers). No `node:*`
 * imports. Start the bot on a {@link WebTransport}, then hand it your upgrade requests:
 * origin (403), capacity (503), per-address limits (429) and your `upgrade` hook are checked
 * before a WebSocket exists, the same way `botwire/ws` does.
 *
 * @example Deno (run with deno run --allow-net server.js)
 * ```ts
 * import { Bot } from "botwire";
 * import { WebTransport } from "botwire/web";
 *
 * const bot = new Bot();
 * bot.on("message", (ctx) => ctx.reply(`echo: ${ctx.text}`));
 * const wire = new WebTransport({ allowedOrigins: ["https://example.com"] });
 * await bot.start(wire);
 * Deno.serve((req, info) => wire.upgrade(req, info) ?? new Response("not found", { status: 404 }));
 * ```
 *
 * @example Cloudflare Workers (a Durable Object keeps one bot for all its connections)
 * ```ts
 * export class Chat {
 *   wire = new WebTransport();
 *   started = bot.start(this.wire);
 *   async fetch(request) {
 *     await this.started;
 *     return this.wire.upgrade(request, request.headers.get("cf-connecting-ip") ?? undefined)
 *       ?? new Response("not found", { status: 404 });
 *   }
 * }
 * ```
 *
 * @example Hono (here on Node with @hono/node-server and @hono/node-ws)
 * ```ts
 * import { Hono } from "hono";
 * import { serve } from "@hono/node-server";
 * import { createNodeWebSocket } from "@hono/node-ws";
 *
 * const app = new Hono();
 * const { upgradeWebSocket, injectWebSocket } = createNodeWebSocket({ app });
 * const wire = new WebTransport();
 * await bot.start(wire);
 * app.get("/chat", wire.hono(upgradeWebSocket));
 * injectWebSocket(serve({ fetch: app.fetch, port: 3000 }));
 * ```
 * @module botwire/web
 */
export type {
  AllowedOrigins,
  ProxyHeader,
  Rate,
  TransportPolicyOptions,
  TrustProxy,
  UpgradeDecision,
} from "../policy/index.js";
export type {
  HonoContextLike,
  HonoEvents,
  HonoMiddleware,
  HonoOptions,
  HonoSocketLike,
} from "./hono.js";
export type { WebTransportOptions } from "./options.js";
export type {
  GlobalWithResponse,
  HeadersLike,
  PeerAddress,
  RequestLike,
  ResponseLike,
  RuntimeResponse,
  ServeInfoLike,
  SocketEventLike,
  WebSocketLike,
} from "./platform.js";
export { type Admitted, type Refused, WebTransport } from "./transport.js";
