/**
 * The Socket.IO transport: turns each socket of a namespace into a bot connection, applies
 * the shared admission policy (capacity, per-address budgets), and lets go of the namespace
 * on close without closing the app's server.
 * @module
 */
import type { Logger } from "../../core/logger.js";
import type { ConnectionInfo, Transport, TransportHost } from "../../core/transport.js";
import { CloseCode } from "../../protocol/codes.js";
import { Admission } from "../policy/index.js";
import { SocketIoConnection } from "./connection.js";
import { closeEventOf, codeOfReason, readCloseInfo, SERVER_REASON_CODES } from "./contract.js";
import type { ResolvedSocketIoOptions } from "./options.js";
import type { NamespaceLike, SocketIoSocketLike } from "./server-types.js";

/** How long a graceful close waits for clients to leave before it resolves anyway. */
const CLOSE_GRACE_MS = 2000;

/**
 * The token of `io(url, { auth: { token } })` as the `Authorization: Bearer` header that
 * `auth()` reads, unless the request brought a real one (which wins).
 */
function headersOf(socket: SocketIoSocketLike): ConnectionInfo["headers"] {
  const headers = socket.handshake.headers;
  const token = socket.handshake.auth?.token;
  if (headers.authorization !== undefined || typeof token !== "string" || !/^\S+$/.test(token)) {
    return headers;
  }
  return { ...headers, authorization: `Bearer ${token}` };
}

function originOf(headers: ConnectionInfo["headers"]): string | undefined {
  const origin = headers.origin;
  return typeof origin === "string" ? origin : undefined;
}

/** The user the app's middleware put in `socket.data.user`, if any. */
function userOf(socket: SocketIoSocketLike): unknown {
  const data = socket.data;
  return typeof data === "object" && data !== null ? (data as { user?: unknown }).user : undefined;
}

/** The transport behind `attachToSocketIO`. */
export class SocketIoTransport implements Transport {
  private host: TransportHost | undefined;
  private readonly admission: Admission<SocketIoSocketLike>;
  private readonly open = new Map<SocketIoSocketLike, SocketIoConnection>();
  private readonly closeEvent: string;

  private readonly onConnection = (socket: SocketIoSocketLike) => this.accept(socket);

  /**
   * @param namespace - the namespace whose sockets become bot connections
   * @param options - resolved options
   * @param logger - the bot's logger
   */
  constructor(
    private readonly namespace: NamespaceLike,
    private readonly options: ResolvedSocketIoOptions,
    private readonly logger: Logger,
  ) {
    this.admission = new Admission(options);
    this.closeEvent = closeEventOf(options.event);
  }

  /** Open bot connections. */
  get connections(): number {
    return this.open.size;
  }

  listen(host: TransportHost): void {
    this.host = host;
    this.namespace.on("connection", this.onConnection);
  }

  /**
   * Capacity and per-address budgets, checked once the socket connected (a refusal in a
   * namespace middleware could not be matched with its end when a later middleware of the
   * app refuses the socket). A refused socket gets the close event with 1013 and is
   * disconnected; `BotClient` tries again later.
   */
  private accept(socket: SocketIoSocketLike): void {
    if (this.host === undefined) return;
    const address = this.options.clientAddress(socket.handshake.address, socket.handshake.headers);
    // Without an `upgrade` hook the verdict comes in a microtask: no packet of the client
    // can be handled before the listeners below are on (packets arrive in later tasks).
    this.admission.check(socket, undefined, address).then((verdict) => {
      const refused = verdict !== undefined && "status" in verdict;
      if (refused || this.host === undefined || !socket.connected) {
        this.admission.leave(address);
        if (refused && socket.connected) {
          this.logger.debug?.(`refused a Socket.IO connection (${verdict.status})`, {
            reason: verdict.reason,
            address,
          });
          socket.emit(this.closeEvent, {
            code: CloseCode.TryAgainLater,
            reason: verdict.message ?? "refused",
          });
          socket.disconnect();
        }
        return;
      }
      this.start(this.host, socket, address);
    });
  }

  private start(host: TransportHost, socket: SocketIoSocketLike, address: string | undefined) {
    const headers = headersOf(socket);
    const user = userOf(socket);
    const info: ConnectionInfo = {
      remoteAddress: this.options.proxied ? address : socket.handshake.address,
      origin: originOf(headers),
      headers,
      ...(user !== undefined && { user }),
    };
    const connection = new SocketIoConnection(
      socket,
      info,
      this.options.event,
      this.closeEvent,
      address,
      (code) => {
        if (code === CloseCode.Unauthorized) this.admission.authFailed(address);
      },
    );
    const timeout = this.options.helloTimeoutMs;
    const listener = host.open(
      connection,
      timeout === undefined ? {} : { helloTimeoutMs: timeout },
    );
    this.open.set(socket, connection);
    const { event } = this.options;
    const closeEvent = this.closeEvent;
    // onAny, not on(event): in arrival order, so the frames and the close event a client
    // sends just before it disconnects reach the bot (Socket.IO drops them for `on`).
    socket.onAny((name: unknown, payload: unknown) => {
      if (connection.closeInfo !== undefined) return;
      if (name === event) {
        if (typeof payload === "string") listener.message(payload);
        else listener.binary();
      } else if (name === closeEvent) {
        // The client's close: its code is what the bot reports (`disconnect` follows).
        connection.closeInfo = readCloseInfo(payload) ?? { code: 1005, reason: "" };
        socket.disconnect();
      }
    });
    socket.on("disconnect", (reason: unknown) => {
      this.open.delete(socket);
      this.admission.leave(address);
      const closed = connection.closeInfo ?? {
        code: codeOfReason(SERVER_REASON_CODES, reason),
        reason: typeof reason === "string" ? reason : "",
      };
      listener.close(closed.code, closed.reason);
    });
  }

  async close(code: number, reason: string): Promise<void> {
    if (this.host === undefined) return;
    this.host = undefined;
    this.namespace.off("connection", this.onConnection);
    const connections = [...this.open.values()];
    for (const connection of connections) connection.close(code, reason);
    // Namespace disconnects report `disconnect` synchronously; waiting is for odd servers.
    const deadline = Date.now() + CLOSE_GRACE_MS;
    while (this.open.size > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}
