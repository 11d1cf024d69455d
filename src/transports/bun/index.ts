/**
 * `botwire/bun`: a bot on Bun's own WebSocket server (`Bun.serve`, uWebSockets), attached to
 * your server with `bunTransport()` or on a server of its own with `serve()`. Backpressure
 * comes from Bun (`getBufferedAmount()`, a dropped `send()` closes the connection as a slow
 * reader), the heartbeat is Bun's (`idleTimeout`, `sendPings`), and the policy is the one
 * every botwire transport applies: origins (403), capacity (503), per address (429).
 *
 * @example
 * ```ts
 * import { Bot } from "botwire";
 * import { bunTransport } from "botwire/bun";
 *
 * const bot = new Bot();
 * bot.on("message", (ctx) => ctx.reply(`echo: ${ctx.text}`));
 *
 * const wire = bunTransport(bot, { path: "/chat" });
 * Bun.serve({
 *   port: 3000,
 *   fetch: (request, server) => wire.upgrade(request, server) ?? new Response("hello"),
 *   websocket: wire.websocket,
 * });
 * ```
 * @module botwire/bun
 */
export type {
  AllowedOrigins,
  ProxyHeader,
  Rate,
  TransportPolicyOptions,
  TrustProxy,
  UpgradeDecision,
} from "../policy/index.js";
export type { BunTransportOptions } from "./options.js";
export {
  type BunHandle,
  type BunServeHandle,
  type BunServeOptions,
  bunTransport,
  serve,
} from "./serve.js";
export type {
  BunFetchResult,
  BunServer,
  BunSocket,
  BunWebSocketHandler,
} from "./types.js";
