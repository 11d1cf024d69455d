/**
 * The Bun transport: admits upgrade requests from your `Bun.serve` `fetch` handler (origin,
 * capacity, per-address budgets, the `upgrade` hook) and maps Bun's socket events onto the
 * bot. Bun runs the heartbeat itself (`idleTimeout`, `sendPings`): no timer of ours.
 * @module
 */
import { type Logger, silentLogger } from "../../core/logger.js";
import type { ConnectionOptions, Transport, TransportHost } from "../../core/transport.js";
import { CloseCode } from "../../protocol/codes.js";
import { Admission, DRAIN_RETRY_AFTER_MS } from "../policy/index.js";
import { RefusalLog } from "../ws/refusals.js";
import { BunConnection, type ConnectionOwner } from "./connection.js";
import { headerRecord, isWebSocketUpgrade, pathOf, refusal } from "./http.js";
import type { ResolvedBunOptions } from "./options.js";
import type { BunServer, BunSocket, BunWebSocketHandler } from "./types.js";

/** What Bun tells the `close` handler about a frame over `maxPayloadLength` (the peer got 1009). */
const TOO_BIG = "Received too big message";

/**
 * Bun's socket events, routed through each socket's own connection to its transport: one
 * server's `websocket` option serves the sockets of every botwire transport on it (bots on
 * different paths of one `Bun.serve`).
 */
const events = {
  open(ws: BunSocket): void {
    (ws.data as BunConnection).owner.opened(ws);
  },
  message(ws: BunSocket, message: string | Uint8Array): void {
    const listener = (ws.data as BunConnection).listener;
    if (typeof message === "string") listener?.message(message);
    else listener?.binary();
  },
  close(ws: BunSocket, code: number, reason: string): void {
    (ws.data as BunConnection).owner.closed(ws, code, reason);
  },
};

/** The transport behind `bunTransport()` and `serve()` of `botwire/bun`. */
export class BunTransport implements Transport, ConnectionOwner {
  private host: TransportHost | undefined;
  /** False while the bot drains before a stop (and before it starts). */
  private accepting = false;
  private readonly sockets = new Set<BunConnection>();
  private readonly admission: Admission<Request>;
  private readonly log: RefusalLog;
  private readonly connectionOptions: ConnectionOptions;
  /** The `websocket` option for `Bun.serve`. */
  readonly websocket: BunWebSocketHandler;

  /**
   * @param options - resolved options
   * @param logger - the bot's logger, for refused requests
   */
  constructor(
    private readonly options: ResolvedBunOptions,
    logger: Logger = silentLogger,
  ) {
    this.admission = new Admission(options);
    this.log = new RefusalLog(logger);
    this.connectionOptions =
      options.helloTimeoutMs === undefined ? {} : { helloTimeoutMs: options.helloTimeoutMs };
    this.websocket = {
      ...events,
      maxPayloadLength: options.maxPayload,
      idleTimeout: options.idleTimeout,
      sendPings: options.idleTimeout > 0,
      perMessageDeflate: options.perMessageDeflate,
    };
  }

  /** See {@link ConnectionOwner}. */
  get compress(): boolean {
    return this.options.perMessageDeflate;
  }

  /** See {@link ConnectionOwner}. */
  get idleTimeout(): boolean {
    return this.options.idleTimeout > 0;
  }

  /** Open connections. */
  get connections(): number {
    return this.sockets.size;
  }

  listen(host: TransportHost): void {
    this.host = host;
    this.accepting = true;
  }

  /** The bot drains before a stop (`bot.stop({ drainMs })`): new upgrades get 503. */
  stopAccepting(): void {
    this.accepting = false;
  }

  /**
   * Takes a WebSocket upgrade request on our path: `undefined` when it is not one (answer it
   * yourself), else a promise of what `fetch` must return — `undefined` once upgraded, or
   * the `Response` that refuses it (403, 429, 503, …).
   */
  upgrade(request: Request, server: BunServer): Promise<Response | undefined> | undefined {
    if (!isWebSocketUpgrade(request)) return undefined;
    const path = this.options.path;
    if (path !== undefined && pathOf(request.url) !== path) return undefined;
    return this.admit(request, server);
  }

  /** See {@link ConnectionOwner}: a 4401 is a failed login of that address. */
  closedByBot(code: number, address: string | undefined): void {
    if (code === CloseCode.Unauthorized) this.admission.authFailed(address);
  }

  private async admit(request: Request, server: BunServer): Promise<Response | undefined> {
    if (this.host === undefined || !this.accepting) {
      return refusal(503, "not accepting connections", DRAIN_RETRY_AFTER_MS);
    }
    const headers = headerRecord(request);
    const peer = server.requestIP?.(request)?.address;
    const address = this.options.clientAddress(peer, headers);
    const origin = request.headers.get("origin") ?? undefined;
    const hostHeader = request.headers.get("host") ?? undefined;
    // Counted from here; the count passes to the connection once upgraded (its close gives
    // it back), every other way out below gives it back at once.
    const verdict = await this.admission.check(request, origin, address, hostHeader);
    if (verdict !== undefined && "status" in verdict) {
      this.admission.leave(address);
      this.log.refused(verdict, { origin, host: hostHeader, address });
      return refusal(verdict.status, verdict.message, verdict.retryAfterMs);
    }
    if (this.host === undefined) {
      this.admission.leave(address);
      return refusal(503, "not accepting connections", DRAIN_RETRY_AFTER_MS);
    }
    const user = verdict?.user;
    const connection = new BunConnection(
      {
        // Without trustProxy the socket's address as Bun gives it, like botwire/ws.
        remoteAddress: this.options.proxied ? address : peer,
        origin,
        headers,
        ...(user !== undefined && { user }),
      },
      address,
      this,
    );
    // Bun calls `open` from within upgrade() when it succeeds.
    if (server.upgrade(request, { data: connection })) return undefined;
    this.admission.leave(address);
    return refusal(400, "not a WebSocket upgrade");
  }

  /** See {@link ConnectionOwner}. */
  opened(ws: BunSocket): void {
    const connection = ws.data as BunConnection;
    connection.socket = ws;
    const host = this.host;
    // Stopped while the upgrade was admitted: the close handler gives the count back.
    if (host === undefined) return ws.close(CloseCode.GoingAway, "server shutting down");
    this.sockets.add(connection);
    connection.listener = host.open(connection, this.connectionOptions);
  }

  /** See {@link ConnectionOwner}. */
  closed(ws: BunSocket, code: number, reason: string): void {
    const connection = ws.data as BunConnection;
    this.sockets.delete(connection);
    if (!connection.left) {
      connection.left = true;
      this.admission.leave(connection.address);
    }
    if (code === 1006 && reason === TOO_BIG) connection.report(CloseCode.TooLarge, reason);
    else connection.report(code, reason);
  }

  close(code: number, reason: string): void {
    if (this.host === undefined) return;
    this.accepting = false;
    this.host = undefined;
    // Bun runs each socket's close handler within close(): nothing to wait for.
    for (const connection of [...this.sockets]) connection.close(code, reason);
  }
}
