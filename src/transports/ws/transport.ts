/**
 * The `ws` transport: turns HTTP upgrades into bot connections, runs the heartbeat and
 * closes everything on shutdown.
 * @module
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import { type Logger, silentLogger } from "../../core/logger.js";
import type { ConnectionListener, Transport, TransportHost } from "../../core/transport.js";
import { CloseCode } from "../../protocol/codes.js";
import { Admission, DRAIN_RETRY_AFTER_MS, Heartbeat } from "../policy/index.js";
import type { ResolvedServeOptions } from "./options.js";
import { RefusalLog } from "./refusals.js";
import { type LinkOwner, toConnection, type WsLink, wire } from "./socket.js";
import { type Attached, attach, detach, unclaimed } from "./unclaimed.js";
import { hostOf, originOf, pathOf, refuse } from "./upgrade.js";

/** How long a graceful close waits for peers to answer the close frame. */
const CLOSE_GRACE_MS = 2000;

/**
 * HTTP timeouts of the server `serve({ port })` creates. Node's defaults let a client that
 * sends its headers slowly hold a socket for 60–90 s; an upgrade request is one small
 * packet, so 10 s is generous. (An attached server is the user's: docs/security.md.)
 */
const OWN_SERVER_TIMEOUTS = {
  headersTimeout: 10_000,
  requestTimeout: 10_000,
  connectionsCheckingInterval: 1_000,
} as const;

function destroySocket(this: Duplex): void {
  this.destroy();
}

/** The WebSocket transport behind `serve`. */
export class WsTransport implements Transport, Attached, LinkOwner {
  private readonly wss: WebSocketServer;
  private readonly sockets = new Set<WsLink>();
  /** Upgrade sockets waiting for a verdict (the `upgrade` hook): `close()` answers them. */
  private readonly pending = new Set<Duplex>();
  private host: TransportHost | undefined;
  /** False while the bot drains before a stop: upgrades are refused with 503. */
  private accepting = false;
  private ownServer: Server | undefined;
  private readonly heartbeat: Heartbeat<WsLink>;
  /** Origin, capacity, per-address budgets and the `upgrade` hook, decided before ws runs. */
  private readonly admission: Admission<IncomingMessage>;
  private readonly log: RefusalLog;
  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (this.takes(pathOf(req))) return this.handleUpgrade(req, socket, head);
    // On our own server nobody else can answer; on a shared one another listener may.
    if (this.options.mode === "port") refuse(socket, 404);
    else if (this.options.server !== undefined) unclaimed(this.options.server, this, req, socket);
  };

  /**
   * @param options - resolved `serve()` options
   * @param logger - the bot's logger, for refused requests and socket errors
   */
  constructor(
    private readonly options: ResolvedServeOptions,
    private readonly logger: Logger = silentLogger,
  ) {
    this.admission = new Admission(options);
    this.heartbeat = new Heartbeat(this.sockets, options.heartbeatMs);
    this.log = new RefusalLog(logger);
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

  /** See {@link Attached}. */
  get upgradeTimeoutMs(): number {
    return this.options.upgradeTimeoutMs;
  }

  /** Whether upgrades on `path` are ours (every path without the `path` option). */
  takes(path: string): boolean {
    return this.options.path === undefined || path === this.options.path;
  }

  async listen(host: TransportHost): Promise<void> {
    this.host = host;
    this.accepting = true;
    this.heartbeat.start();
    const shared = this.options.mode === "server" ? this.options.server : undefined;
    if (shared !== undefined) {
      attach(shared, this);
      shared.on("upgrade", this.onUpgrade);
    } else if (this.options.mode === "port") {
      const server = createServer(OWN_SERVER_TIMEOUTS, (_req, res) => {
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
    if (this.host === undefined || !this.accepting) {
      return refuse(socket, 503, "not accepting connections", DRAIN_RETRY_AFTER_MS);
    }
    // Counted from here, so upgrades waiting for the `upgrade` hook count too. The count passes
    // to the connection once `accept` is called; every other way out below gives it back.
    const address = this.options.clientAddress(req.socket.remoteAddress, req.headers);
    const origin = originOf(req);
    let accepted = false;
    this.pending.add(socket);
    this.admission.check(req, origin, address, hostOf(req)).then((verdict) => {
      this.pending.delete(socket);
      if (verdict !== undefined && "status" in verdict) {
        this.log.refused(verdict, { origin, host: hostOf(req), address });
        refuse(socket, verdict.status, verdict.message, verdict.retryAfterMs);
      } else if (this.host === undefined || socket.destroyed) {
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

  /** Draining (see {@link Transport.stopAccepting}): refuse upgrades, keep the open sockets. */
  stopAccepting(): void {
    this.accepting = false;
  }

  /** See {@link LinkOwner}: a 4401 is a failed authentication of that address. */
  closedByBot(code: number, address: string | undefined): void {
    if (code === CloseCode.Unauthorized) this.admission.authFailed(address);
  }

  /** See {@link LinkOwner}: the socket closed. */
  gone(link: WsLink): void {
    this.sockets.delete(link);
    this.admission.leave(link.address);
  }

  private accept(
    ws: WebSocket,
    req: IncomingMessage,
    origin: string | undefined,
    user: unknown,
    address: string | undefined,
  ): void {
    const host = this.host;
    // Protocol errors (bad UTF-8, frame too large) are followed by 'close'; they are logged.
    ws.on("error", this.log.socketError);
    if (host === undefined) {
      this.admission.leave(address);
      return ws.close(1001, "server shutting down");
    }
    // Without trustProxy the socket's address as Node gives it (`::ffff:…` included).
    const remoteAddress = this.options.proxied ? address : req.socket.remoteAddress;
    const link = toConnection(ws, req, { remoteAddress, origin, user }, this, address);
    const options =
      this.options.helloTimeoutMs === undefined
        ? {}
        : { helloTimeoutMs: this.options.helloTimeoutMs };
    let listener: ConnectionListener;
    try {
      listener = host.open(link, options);
    } catch (error) {
      // This runs in a promise callback: a throw would be an unhandled rejection, and the
      // socket would stay open, untracked, holding its address's count.
      this.logger.error?.("the bot could not take a connection; it was closed with 1011", {
        error,
      });
      this.admission.leave(address);
      return link.close(CloseCode.Internal, "internal error");
    }
    // No closure per socket: the link's close event gives the address's count back (gone).
    wire(link, listener);
    this.sockets.add(link);
  }

  async close(code: number, reason: string): Promise<void> {
    if (this.host === undefined) return;
    this.host = undefined;
    this.accepting = false;
    this.heartbeat.stop();
    const shared = this.options.mode === "server" ? this.options.server : undefined;
    if (shared !== undefined) {
      shared.off("upgrade", this.onUpgrade);
      detach(shared, this);
    }
    // Upgrades still waiting for the `upgrade` hook are answered now, not when (or if) it
    // answers; their counts are given back when it does, or at upgradeTimeoutMs.
    for (const socket of this.pending) refuse(socket, 503, "server shutting down");
    this.pending.clear();
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
