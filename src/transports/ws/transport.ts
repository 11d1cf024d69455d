/**
 * The `ws` transport: turns HTTP upgrades into bot connections, runs the heartbeat and
 * closes everything on shutdown.
 * @module
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import type { Transport, TransportHost } from "../../core/transport.js";
import { AddressCounts, addressOf } from "./addresses.js";
import type { ResolvedServeOptions } from "./options.js";
import { type TrackedSocket, toConnection, wire } from "./socket.js";
import { checkUpgrade, pathOf, refuse } from "./upgrade.js";

/** How long a graceful close waits for peers to answer the close frame. */
const CLOSE_GRACE_MS = 2000;

function destroySocket(this: Duplex): void {
  this.destroy();
}

/** The WebSocket transport behind `serve`. */
export class WsTransport implements Transport {
  private readonly wss: WebSocketServer;
  private readonly sockets = new Set<TrackedSocket>();
  private host: TransportHost | undefined;
  private ownServer: Server | undefined;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private pending = 0;
  /** Open and upgrading connections per remote address, for `maxConnectionsPerIp`. */
  private readonly perAddress = new AddressCounts();
  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (this.options.path !== undefined && pathOf(req) !== this.options.path) {
      // Another listener (another bot, another library) may own this path.
      if (this.options.mode === "port") refuse(socket, 404);
      return;
    }
    this.handleUpgrade(req, socket, head);
  };

  constructor(private readonly options: ResolvedServeOptions) {
    this.wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      maxPayload: options.maxPayload,
      perMessageDeflate: options.perMessageDeflate,
    });
  }

  /** Open connections. */
  get connections(): number {
    return this.sockets.size;
  }

  /** The server we listen on (our own or the user's). */
  get server(): Server | undefined {
    return this.ownServer ?? (this.options.server as Server | undefined);
  }

  async listen(host: TransportHost): Promise<void> {
    this.host = host;
    if (this.options.heartbeatMs > 0) {
      this.heartbeat = setInterval(() => this.beat(), this.options.heartbeatMs);
      this.heartbeat.unref();
    }
    if (this.options.mode === "server") {
      this.options.server?.on("upgrade", this.onUpgrade);
    } else if (this.options.mode === "port") {
      const server = createServer((_req, res) => {
        res.writeHead(426, { "content-type": "text/plain" }).end("Upgrade Required\n");
      });
      server.on("upgrade", this.onUpgrade);
      this.ownServer = server;
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(this.options.port, this.options.host, () => {
          server.off("error", reject);
          resolve();
        });
      });
    }
  }

  /** Completes an upgrade after the checks; refused requests get an HTTP status. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Without a listener an 'error' on the raw socket (e.g. ECONNRESET) would crash the process.
    // A module-level function, not an arrow here: an arrow would share this scope's closure
    // context and keep `req` and `head` alive for the whole life of the socket (~1.3 KiB).
    socket.on("error", destroySocket);
    const host = this.host;
    if (host === undefined) return refuse(socket, 503, "not accepting connections");
    // Counted from here, so upgrades waiting for the `upgrade` hook count too. The count passes
    // to the connection once `accept` is called; every other way out below gives it back.
    const address = addressOf(req);
    const fromAddress = this.perAddress.add(address);
    this.pending++;
    let accepted = false;
    checkUpgrade(req, this.options, this.sockets.size + this.pending - 1, fromAddress).then(
      (check) => {
        this.pending--;
        if (check !== undefined && "status" in check) {
          refuse(socket, check.status, check.message);
        } else if (this.host === undefined) {
          refuse(socket, 503, "not accepting connections");
        } else {
          const user = check?.user;
          // ws calls back synchronously (we give it no verifyClient), or never: when it
          // refuses the handshake itself (400) or the client has gone, destroying the socket.
          this.wss.handleUpgrade(req, socket, head, (ws) => {
            accepted = true;
            this.accept(ws, req, this.host, user, address);
          });
        }
        if (!accepted) this.perAddress.remove(address);
      },
      () => {
        this.pending--;
        this.perAddress.remove(address);
        refuse(socket, 500, "internal error");
      },
    );
  }

  private accept(
    ws: WebSocket,
    req: IncomingMessage,
    host: TransportHost | undefined,
    user: unknown,
    address: string | undefined,
  ): void {
    ws.on("error", () => {
      // Protocol errors (bad UTF-8, frame too large) are followed by 'close'; nothing to do.
    });
    if (host === undefined) {
      this.perAddress.remove(address);
      return ws.close(1001, "server shutting down");
    }
    const connection = toConnection(ws, req, user);
    const options =
      this.options.helloTimeoutMs === undefined
        ? {}
        : { helloTimeoutMs: this.options.helloTimeoutMs };
    const listener = host.open(connection, options);
    // No extra closure per socket: the one wire() keeps also gives the address's count back.
    const tracked = wire(ws, listener, () => {
      this.sockets.delete(tracked);
      this.perAddress.remove(address);
    });
    this.sockets.add(tracked);
  }

  private beat(): void {
    for (const tracked of this.sockets) {
      if (!tracked.alive) {
        tracked.socket.terminate();
        continue;
      }
      tracked.alive = false;
      tracked.socket.ping();
    }
  }

  async close(code: number, reason: string): Promise<void> {
    if (this.host === undefined) return;
    this.host = undefined;
    clearInterval(this.heartbeat);
    this.options.server?.off("upgrade", this.onUpgrade);
    const sockets = [...this.sockets];
    const closed = sockets.map(
      ({ socket }) =>
        new Promise<void>((resolve) => {
          if (socket.readyState === socket.CLOSED) return resolve();
          socket.once("close", () => resolve());
          socket.close(code, reason);
        }),
    );
    const grace = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref());
    await Promise.race([Promise.all(closed), grace]);
    for (const { socket } of sockets) if (socket.readyState !== socket.CLOSED) socket.terminate();
    const server = this.ownServer;
    this.ownServer = undefined;
    if (server !== undefined) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
  }
}
