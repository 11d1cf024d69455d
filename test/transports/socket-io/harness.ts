// A real Socket.IO server on 127.0.0.1 (port 0) with a bot attached to a namespace, and
// socket.io-client sockets (WebSocket transport) driven as the transport suite's SuiteSockets.
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo, Socket as NetSocket } from "node:net";
import { type Namespace, Server, type ServerOptions } from "socket.io";
import {
  io as connectClient,
  type ManagerOptions,
  type Socket,
  type SocketOptions,
} from "socket.io-client";
import type { Bot } from "../../../src/bot/bot.js";
import type { Context } from "../../../src/core/context.js";
import type { SuiteSocket } from "../../../src/testing/index.js";
import {
  attachToSocketIO,
  CLIENT_REASON_CODES,
  type SocketIoHandle,
  type SocketIoOptions,
} from "../../../src/transports/socket-io/index.js";

/** A client frame without the mask every client frame must carry: the server's socket errors. */
const UNMASKED_TEXT_FRAME = Buffer.from([0x81, 0x01, 0x61]);

export interface Harness {
  http: HttpServer;
  io: Server;
  namespace: Namespace;
  handle: SocketIoHandle;
  port: number;
  /** `http://127.0.0.1:<port>/bot` */
  url: string;
  /** `ws://127.0.0.1:<port>/bot` (what BotClient is given) */
  wsUrl: string;
  /** A socket.io-client socket on the bot's namespace, WebSocket transport, no reconnection. */
  client(options?: Partial<ManagerOptions & SocketOptions>): Socket;
  /** Opens a client and drives it as a SuiteSocket; resolves once connected. */
  connect(options?: Partial<ManagerOptions & SocketOptions>): Promise<SuiteSocket>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  /** Runs on the namespace before the bot is attached (e.g. `ns.use(auth)`). */
  setup?: (namespace: Namespace, io: Server) => void;
  attach?: SocketIoOptions;
  /** Options of the Socket.IO server (e.g. a short `pingInterval`). */
  server?: Partial<ServerOptions>;
}

/** The underlying TCP socket of a socket.io-client socket (engine.io-client's `ws`). */
export function tcpOf(socket: Socket): NetSocket {
  const engine = socket.io.engine as unknown as { transport: { ws: { _socket: NetSocket } } };
  return engine.transport.ws._socket;
}

export async function startHarness<C extends Context>(
  bot: Bot<C>,
  options: HarnessOptions = {},
): Promise<Harness> {
  const http = createServer();
  const tcp = new Set<NetSocket>();
  http.on("connection", (socket: NetSocket) => {
    tcp.add(socket);
    socket.once("close", () => tcp.delete(socket));
  });
  const io = new Server(http, options.server);
  const namespace = io.of("/bot");
  options.setup?.(namespace, io);
  const handle = attachToSocketIO(bot, namespace, options.attach);
  await handle.ready;
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/bot`;
  const clients = new Set<Socket>();

  const client = (extra: Partial<ManagerOptions & SocketOptions> = {}) => {
    const socket = connectClient(url, {
      transports: ["websocket"],
      reconnection: false,
      forceNew: true,
      ...extra,
    });
    clients.add(socket);
    return socket;
  };

  const connect = async (extra: Partial<ManagerOptions & SocketOptions> = {}) => {
    const socket = client(extra);
    const received: string[] = [];
    let closeCode: number | undefined;
    socket.on("botwire", (frame: unknown) => {
      if (typeof frame === "string") received.push(frame);
    });
    socket.on("botwire:close", (info: { code: number }) => {
      closeCode ??= info.code;
    });
    const closed = new Promise<number>((resolve) => {
      socket.on("disconnect", (reason) =>
        resolve(closeCode ?? CLIENT_REASON_CODES[reason] ?? 1006),
      );
    });
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("connect_error", reject);
    });
    const suiteSocket: SuiteSocket = {
      send: (frame) => void socket.emit("botwire", frame),
      sendBinary: () => void socket.emit("botwire", Buffer.from([1, 2, 3])),
      received,
      closed,
      close: () => {
        closeCode ??= 1000;
        socket.emit("botwire:close", { code: 1000, reason: "" });
        socket.disconnect();
      },
    };
    // Over long-polling there is no one TCP socket of the client's to pause or break.
    if (extra.transports?.[0] === "polling") return suiteSocket;
    return {
      ...suiteSocket,
      pause: () => tcpOf(socket).pause(),
      break: () => void tcpOf(socket).write(UNMASKED_TEXT_FRAME),
    };
  };

  return {
    http,
    io,
    namespace,
    handle,
    port,
    url,
    wsUrl: `ws://127.0.0.1:${port}/bot`,
    client,
    connect,
    async stop() {
      for (const socket of clients) {
        // A paused client would hold the server's close for ws's 30 s close timeout.
        const engine = socket.io.engine as unknown as {
          transport?: { ws?: { _socket?: NetSocket } };
        };
        engine?.transport?.ws?._socket?.destroy();
        socket.disconnect();
      }
      await handle.close();
      // A client that stopped reading would hold the close for ws's 30 s close timeout.
      for (const socket of tcp) socket.destroy();
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}
