/**
 * The `ws` transport: turns HTTP upgrades into bot connections, runs the heartbeat and
 * closes everything on shutdown.
 * @module
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import type { Transport, TransportHost } from "../../core/transport.js";
import { Admission, Heartbeat } from "../policy/index.js";
import type { ResolvedServeOptions } from "./options.js";
import { type TrackedSocket, toConnection, wire } from "./socket.js";
import { addressOf, originOf, pathOf, refuse } from "./upgrade.js";

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
  private readonly heartbeat: Heartbeat<TrackedSocket>;
  /** Origin, capacity (in all and per address) and the `upgrade` hook, decided before ws runs. */
  private readonly admission: Admission<IncomingMessage>;
  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (this.options.path !== undefined && pathOf(req) !== this.options.path) {
      // Another listener (another bot, another library) may own this path.
      if (this.options.mode === "port") refuse(socket, 404);
      return;
    }
    this.handleUpgrade(req, socket, head);
  };

  constructor(private readonly options: ResolvedServeOptions) {
    this.admission = new Admission(options);
    this.heartbeat = new Heartbeat(this.sockets, options.heartbeatMs);
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
    this.heartbeat.start();
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
    if (this.host === undefined) return refuse(socket, 503, "not accepting connections");
    // Counted from here, so upgrades waiting for the `upgrade` hook count too. The count passes
    // to the connection once `accept` is called; every other way out below gives it back.
    const address = addressOf(req);
    const origin = originOf(req);
    let accepted = false;
    this.admission.check(req, origin, address).then((verdict) => {
      if (verdict !== undefined && "status" in verdict) {
        refuse(socket, verdict.status, verdict.message);
      } else if (this.host === undefined) {
        refuse(socket, 503, "not accepting connections");
      } else {
        const user = verdict?.user;
        // ws calls back synchronously (we give it no verifyClient), or never: when it
        // refuses the handshake itself (400) or the client has gone, destroying the socket.
        this.wss.handleUpgrade(req, socket, head, (ws) => {
          accepted = true;
          this.accept(ws, req, origin, user, address);
        });
      }
      if (!accepted) this.admission.leave(address);
    });
  }

  private accept(
    ws: WebSocket,
    req: IncomingMessage,
    origin: string | undefined,
    user: unknown,
    address: string | undefined,
  ): void {
    const host = this.host;
    ws.on("error", () => {
      // Protocol errors (bad UTF-8, frame too large) are followed by 'close'; nothing to do.
    });
    if (host === undefined) {
      this.admission.leave(address);
      return ws.close(1001, "server shutting down");
    }
    const connection = toConnection(ws, req, origin, user);
    const options =
      this.options.helloTimeoutMs === undefined
        ? {}
        : { helloTimeoutMs: this.options.helloTimeoutMs };
    const listener = host.open(connection, options);
    // No extra closure per socket: the one wire() keeps also gives the address's count back.
    const tracked = wire(ws, listener, () => {
      this.sockets.delete(tracked);
      this.admission.leave(address);
    });
    this.sockets.add(tracked);
  }

  async close(code: number, reason: string): Promise<void> {
    if (this.host === undefined) return;
    this.host = undefined;
    this.heartbeat.stop();
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
