/**
 * `serve(bot, options)`: run a bot on a WebSocket server.
 * @module
 */
import type { IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import type { Bot } from "../../bot/bot.js";
import type { StopOptions } from "../../bot/options.js";
import type { Context } from "../../core/context.js";
import { resolveServeOptions, type ServeOptions } from "./options.js";
import { WsTransport } from "./transport.js";

/** What `serve` returns: control over the running bot on this server. */
export interface ServeHandle {
  /** Resolves once the server accepts connections (with `port`: once it listens). */
  readonly ready: Promise<void>;
  /** Open WebSocket connections. */
  readonly connections: number;
  /** The address we listen on: the own server's with `port`, the given server's with `server`. */
  address(): AddressInfo | null;
  /** With `noServer`: hand an upgrade request from your own `upgrade` listener to the bot. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /**
   * Stops gracefully: refuses new connections, closes open ones with 1001, waits for
   * handlers. With `{ drainMs }` it drains first: clients are told to reconnect elsewhere,
   * each at a moment of its own within the window (see `StopOptions`). When the bot also
   * runs on another transport, only this one stops: its connections close with 1001 at once
   * (no drain) and the bot goes on.
   */
  close(options?: StopOptions): Promise<void>;
}

/**
 * Starts `bot` on a WebSocket server: attached to your http(s) server, on a port of its
 * own, or fed by you (`noServer`). Origin, capacity and your `upgrade` hook are checked at
 * the HTTP upgrade, before a WebSocket exists.
 *
 * @param bot - the bot to run (it is started; `handle.close()` stops it)
 * @param options - see {@link ServeOptions}
 * @example
 * ```ts
 * const server = http.createServer(app);
 * const handle = serve(bot, { server, path: "/chat", allowedOrigins: ["https://example.com"] });
 * server.listen(3000);
 * ```
 */
export function serve<C extends Context>(bot: Bot<C>, options: ServeOptions): ServeHandle {
  const resolved = resolveServeOptions(options);
  const transport = new WsTransport(resolved, bot.logger);
  const ready = bot.start(transport);
  // Callers who never await `ready` must not get an unhandled rejection (e.g. EADDRINUSE
  // is also reported through `ready` for those who do).
  ready.catch((error: unknown) => bot.logger.error?.("serve() failed to start", { error }));
  return {
    ready,
    get connections() {
      return transport.connections;
    },
    address() {
      const address = transport.server?.address();
      return address !== null && typeof address === "object" ? address : null;
    },
    handleUpgrade(request, socket, head) {
      if (resolved.mode !== "noServer") {
        throw new TypeError("handleUpgrade() is for serve(bot, { noServer: true })");
      }
      transport.handleUpgrade(request, socket, head);
    },
    close(options) {
      return bot.stop(transport, options);
    },
  };
}
