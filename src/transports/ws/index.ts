/**
 * `botwire/ws`: the Node.js WebSocket server transport, built on `ws`.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * import { Bot } from "botwire";
 * import { serve } from "botwire/ws";
 *
 * const bot = new Bot();
 * bot.on("message", (ctx) => ctx.reply(`echo: ${ctx.text}`));
 * const server = createServer((req, res) => res.end("hello"));
 * serve(bot, { server, path: "/chat" });
 * server.listen(3000);
 * ```
 * @module botwire/ws
 */
export type {
  AllowedOrigins,
  ProxyHeader,
  Rate,
  TransportPolicyOptions,
  TrustProxy,
  UpgradeDecision,
} from "../policy/index.js";
export type { ServeOptions } from "./options.js";
export { type ServeHandle, serve } from "./serve.js";
