/**
 * `bunTransport(bot)`: a bot on your own `Bun.serve`; `serve(bot)`: on a `Bun.serve` of its own.
 * @module
 */
import type { Bot } from "../../bot/bot.js";
import type { StopOptions } from "../../bot/options.js";
import type { Context } from "../../core/context.js";
import { type BunTransportOptions, resolveBunOptions } from "./options.js";
import { BunTransport } from "./transport.js";
import type { BunFetchResult, BunRuntime, BunServer, BunWebSocketHandler } from "./types.js";

/** What `bunTransport()` returns: the two things to give `Bun.serve`, and control over the bot. */
export interface BunHandle {
  /** Resolves once the bot accepts connections (until then upgrades are answered 503). */
  readonly ready: Promise<void>;
  /** Open WebSocket connections. */
  readonly connections: number;
  /**
   * Call from your `fetch(request, server)`. Returns `undefined` when the request is not
   * the bot's (not a WebSocket upgrade, or not on `path`): answer it yourself. Otherwise a
   * promise to return from `fetch`: it resolves with `undefined` once the request was
   * upgraded (Bun then sends no response) or with the `Response` that refuses it (403
   * origin, 503 capacity, 429 per address, the `upgrade` hook's status).
   * @example
   * ```ts
   * fetch: (request, server) => wire.upgrade(request, server) ?? new Response("hello")
   * ```
   */
  upgrade(request: Request, server: BunServer): Promise<Response | undefined> | undefined;
  /**
   * The `websocket` option for `Bun.serve`: botwire's socket handlers and settings
   * (`maxPayloadLength` from `maxPayload`, `idleTimeout`/`sendPings` from `heartbeatMs`).
   * Each socket's `ws.data` is the bot's connection, which routes its events to its own
   * bot: several bots on different paths of one `Bun.serve` share any one's `websocket`
   * (its settings apply to all).
   */
  readonly websocket: BunWebSocketHandler;
  /**
   * Stops gracefully: refuses new upgrades, closes open connections with 1001, waits for
   * handlers. With `{ drainMs }` it drains first (see `StopOptions`): new upgrades get 503
   * and clients are told to reconnect elsewhere, each at a moment of its own. When the bot
   * also runs on another transport, only this one stops (1001 at once, no drain).
   */
  close(options?: StopOptions): Promise<void>;
}

/** Options of {@link serve}: a port, a host name, and the options of {@link bunTransport}. */
export interface BunServeOptions extends BunTransportOptions {
  /** The port to listen on; `0` picks a free one (see `handle.port`). */
  port: number;
  /**
   * The host name or address to listen on.
   * @default Bun's default: every interface
   */
  hostname?: string;
  /**
   * Answers every request that is not the bot's (e.g. your page).
   * @default 426 Upgrade Required
   */
  fetch?: (request: Request) => Response | Promise<Response>;
}

/** What {@link serve} returns. */
export interface BunServeHandle extends Omit<BunHandle, "upgrade" | "websocket"> {
  /** The port the server listens on. */
  readonly port: number;
  /** Stops the bot gracefully (draining first with `{ drainMs }`), then the server. */
  close(options?: StopOptions): Promise<void>;
}

/**
 * Starts `bot` on Bun's WebSocket server, attached to a `Bun.serve` of yours: pass
 * `handle.upgrade` to its `fetch` and `handle.websocket` as its `websocket`. Origin,
 * capacity, per-address budgets and your `upgrade` hook are checked before the upgrade.
 * Runs in Bun only.
 *
 * @param bot - the bot to run (it is started; `handle.close()` stops it)
 * @param options - see {@link BunTransportOptions}
 * @example
 * ```ts
 * const wire = bunTransport(bot, { path: "/chat", allowedOrigins: ["https://example.com"] });
 * Bun.serve({
 *   port: 3000,
 *   fetch: (request, server) => wire.upgrade(request, server) ?? new Response("hello"),
 *   websocket: wire.websocket,
 * });
 * ```
 */
export function bunTransport<C extends Context>(
  bot: Bot<C>,
  options: BunTransportOptions = {},
): BunHandle {
  const transport = new BunTransport(resolveBunOptions(options, "bunTransport()"), bot.logger);
  return start(bot, transport);
}

function start<C extends Context>(bot: Bot<C>, transport: BunTransport): BunHandle {
  const ready = bot.start(transport);
  // Callers who never await `ready` must not get an unhandled rejection.
  ready.catch((error: unknown) => bot.logger.error?.("botwire/bun failed to start", { error }));
  return {
    ready,
    get connections() {
      return transport.connections;
    },
    upgrade: (request, server) => transport.upgrade(request, server),
    websocket: transport.websocket,
    close: (options) => bot.stop(transport, options),
  };
}

/** The `Bun` global, or an error that says where this runs. */
function bunRuntime(): BunRuntime {
  const bun = (globalThis as { Bun?: BunRuntime }).Bun;
  if (typeof bun?.serve !== "function") {
    throw new TypeError("serve() from botwire/bun runs in Bun only; in Node use botwire/ws");
  }
  return bun;
}

/** The default answer to a request that is not an upgrade. */
function upgradeRequired(): Response {
  return new Response("Upgrade Required\n", {
    status: 426,
    headers: { "content-type": "text/plain; charset=utf-8", upgrade: "websocket" },
  });
}

/**
 * Starts `bot` on a `Bun.serve` of its own, listening on `port`.
 *
 * @param bot - the bot to run (it is started; `handle.close()` stops it and the server)
 * @param options - see {@link BunServeOptions}
 * @example
 * ```ts
 * const handle = serve(bot, { port: 3000, allowedOrigins: ["https://example.com"] });
 * await handle.ready;
 * console.log(`listening on ${handle.port}`);
 * ```
 */
export function serve<C extends Context>(bot: Bot<C>, options: BunServeOptions): BunServeHandle {
  const { port, hostname, fetch: other, ...rest } = options;
  if (typeof port !== "number" || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`serve(): port must be an integer from 0 to 65535, got ${String(port)}`);
  }
  const transport = new BunTransport(resolveBunOptions(rest, "serve()"), bot.logger);
  // Listening first: a port in use throws here, before the bot is started.
  const server = bunRuntime().serve({
    port,
    ...(hostname !== undefined && { hostname }),
    fetch: (request, bunServer): BunFetchResult =>
      transport.upgrade(request, bunServer) ?? (other ? other(request) : upgradeRequired()),
    websocket: transport.websocket,
  });
  const handle = start(bot, transport);
  return {
    ready: handle.ready,
    get connections() {
      return handle.connections;
    },
    port: server.port ?? port,
    async close(options) {
      await handle.close(options);
      await server.stop(true);
    },
  };
}
