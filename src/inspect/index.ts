/**
 * A live, read-only view of a running bot for operators: `inspector(bot, { token })`. On
 * every node of the bot it answers, through the bot's broker, with that node's census
 * (connections, sessions with their unacknowledged outbox and running turns, rooms) and its
 * recent errors; the node whose handler you mount serves a small page that shows them all.
 * The data needs the token (`Authorization: Bearer`); the page asks for it, or takes it from
 * the URL's fragment (`/inspect/#token=…`, which browsers never send to servers).
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * import { inspector } from "botwire/inspect";
 *
 * // On every node (it answers the others); mount its handler where operators reach it:
 * const inspect = inspector(bot, { token: process.env.INSPECT_TOKEN!, basePath: "/inspect" });
 * const server = createServer((req, res) => {
 *   if (req.url?.startsWith("/inspect")) return inspect.node(req, res);
 *   res.writeHead(404).end();
 * });
 * ```
 * @module botwire/inspect
 */

import type { EventEmitter } from "eventemitter3";
import type { Bot } from "../bot/bot.js";
import type { Context } from "../core/context.js";
import type { BotEvents } from "../core/events.js";
import { Gatherer } from "./gather.js";
import { failure, nodeHandler, route, toResponse } from "./http.js";
import { RecentErrors } from "./recent.js";
import type { Inspector, InspectorOptions } from "./types.js";

export type {
  Inspector,
  InspectorOptions,
  InspectorSnapshot,
  NodeReport,
  NodeRequestLike,
  NodeResponseLike,
  RecentError,
} from "./types.js";

const MIN_TOKEN_LENGTH = 16;

/**
 * Makes the inspector of one node of `bot`. Make one on every node (each answers the
 * others through the bot's broker); mount the handler of any of them.
 * @param bot - the bot to inspect (running or not)
 * @param options - the token, the mount path, how long to wait for other nodes, limits
 */
export function inspector<C extends Context>(bot: Bot<C>, options: InspectorOptions): Inspector {
  const { token, basePath, collectMs, maxSessions, maxErrors } = checked(options);
  const events = bot.events as unknown as EventEmitter<BotEvents<Context>>;
  const errors = new RecentErrors(events, maxErrors);
  const gatherer = new Gatherer({
    broker: bot.broker,
    collectMs,
    report: async () => ({ ...(await bot.census({ maxSessions })), errors: errors.list() }),
    warn: (message, meta) => bot.logger.warn?.(message, meta),
  });
  const config = { token, basePath, snapshot: () => gatherer.gather() };
  const failed = (error: unknown) => bot.logger.error?.("inspector failed", { error });
  return {
    async fetch(request) {
      const answer = await route(
        config,
        request.method,
        new URL(request.url).pathname,
        request.headers.get("authorization") ?? undefined,
      ).catch((error: unknown) => {
        failed(error);
        return failure();
      });
      return toResponse(answer, request.method);
    },
    node: nodeHandler(config, failed),
    snapshot: () => gatherer.gather(),
    ready: gatherer.ready,
    async close() {
      errors.close();
      await gatherer.close();
    },
  };
}

function checked(options: InspectorOptions): Required<InspectorOptions> {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("inspector(bot, options): options must be an object with a token");
  }
  const { token, basePath = "", collectMs = 500, maxSessions = 50, maxErrors = 50 } = options;
  if (typeof token !== "string" || token.length < MIN_TOKEN_LENGTH) {
    throw new TypeError(
      `inspector(bot, { token }): the token must be a string of at least ${MIN_TOKEN_LENGTH} characters`,
    );
  }
  if (typeof basePath !== "string" || (basePath !== "" && !/^\/.*[^/]$/.test(basePath))) {
    throw new TypeError(
      'inspector(bot, { basePath }): basePath must be "" or a path that starts with "/" and does not end with one',
    );
  }
  for (const [name, value, min] of [
    ["collectMs", collectMs, 1],
    ["maxSessions", maxSessions, 0],
    ["maxErrors", maxErrors, 1],
  ] as const) {
    if (!Number.isInteger(value) || value < min) {
      throw new TypeError(`inspector(bot, { ${name} }): must be an integer >= ${min}`);
    }
  }
  return { token, basePath, collectMs, maxSessions, maxErrors };
}
