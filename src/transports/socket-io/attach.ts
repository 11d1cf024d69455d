/**
 * `attachToSocketIO(bot, io | namespace, options)`: run a bot on a Socket.IO server.
 * @module
 */
import type { Bot } from "../../bot/bot.js";
import type { Context } from "../../core/context.js";
import { resolveSocketIoOptions, type SocketIoOptions } from "./options.js";
import type { NamespaceLike, ServerLike } from "./server-types.js";
import { SocketIoTransport } from "./transport.js";

/** What `attachToSocketIO` returns: control over the bot on that namespace. */
export interface SocketIoHandle {
  /** Resolves once the bot accepts the namespace's sockets (at once, in practice). */
  readonly ready: Promise<void>;
  /** Open bot connections. */
  readonly connections: number;
  /** The namespace the bot is attached to (e.g. `"/bot"`). */
  readonly namespace: string;
  /**
   * Detaches the bot: closes its connections with 1001 (each client gets the close event,
   * then a namespace disconnect), stops the bot gracefully (when this is its only transport;
   * else the bot goes on) and leaves the Socket.IO server, its other namespaces and the
   * clients' connections running.
   */
  close(): Promise<void>;
}

function isServer(target: ServerLike | NamespaceLike): target is ServerLike {
  return typeof (target as Partial<ServerLike>).of === "function";
}

/**
 * Mounts `bot` on a Socket.IO server (its main namespace `/`) or on one namespace
 * (`io.of("/bot")`, recommended: the app's own events stay apart). Each socket of that
 * namespace becomes a bot connection; the bot's frames travel as one event (`"botwire"`),
 * see the module documentation for the contract and the close codes.
 *
 * @param bot - the bot to run (it is started; `handle.close()` stops it on this namespace)
 * @param target - a Socket.IO `Server` or `Namespace` (socket.io ≥ 4)
 * @param options - see {@link SocketIoOptions}
 * @example
 * ```ts
 * const io = new Server(httpServer);
 * io.of("/bot").use(async (socket, next) => {
 *   socket.data.user = await userFromCookie(socket.handshake.headers.cookie); // → ctx.user
 *   next();
 * });
 * const handle = attachToSocketIO(bot, io.of("/bot"));
 * ```
 */
export function attachToSocketIO<C extends Context>(
  bot: Bot<C>,
  target: ServerLike | NamespaceLike,
  options: SocketIoOptions = {},
): SocketIoHandle {
  const resolved = resolveSocketIoOptions(options);
  if (typeof target !== "object" || target === null) {
    throw new TypeError(
      "attachToSocketIO(bot, target): target must be a Socket.IO Server or Namespace",
    );
  }
  const namespace = isServer(target) ? target.of("/") : target;
  if (typeof namespace.on !== "function" || typeof namespace.off !== "function") {
    throw new TypeError(
      "attachToSocketIO(bot, target): target must be a Socket.IO Server or Namespace",
    );
  }
  const transport = new SocketIoTransport(namespace, resolved, bot.logger);
  const ready = bot.start(transport);
  ready.catch((error: unknown) =>
    bot.logger.error?.("attachToSocketIO() failed to start", { error }),
  );
  return {
    ready,
    get connections() {
      return transport.connections;
    },
    namespace: namespace.name,
    close() {
      return bot.stop(transport);
    },
  };
}
