/**
 * Options of `attachToSocketIO` and their checks. Of the policy every server transport
 * shares, the parts that Socket.IO does not do itself apply; the others are refused with an
 * error that says what to use instead, so nobody believes they are protected when they are not.
 * @module
 */
import {
  type ResolvedPolicy,
  resolvePolicy,
  type TransportPolicyOptions,
} from "../policy/index.js";
import { DEFAULT_EVENT } from "./contract.js";
import type { SocketIoSocketLike } from "./server-types.js";

/** The shared policy options that apply to a bot on Socket.IO. */
type SharedOptions = Pick<
  TransportPolicyOptions<SocketIoSocketLike>,
  | "maxConnections"
  | "maxConnectionsPerIp"
  | "connectionRatePerIp"
  | "authFailuresPerIp"
  | "trustProxy"
  | "proxyHeader"
  | "helloTimeoutMs"
>;

/**
 * Options of `attachToSocketIO`. Capacity, per-address budgets (connections, rate, failed
 * logins) and `trustProxy` work as in `botwire/ws`, checked once the socket has connected:
 * a refused socket gets the close event with code 1013 and is disconnected.
 *
 * Not here, because Socket.IO owns them: the origin check (`cors` for HTTP long-polling and
 * `allowRequest` for every transport — `cors` does not stop a WebSocket), the largest
 * message (`maxHttpBufferSize`), the heartbeat (`pingInterval`, `pingTimeout`) and
 * compression (`perMessageDeflate`). Authentication: your `io.use()` middleware may set
 * `socket.data.user` (it becomes `ctx.user`), or `auth()` checks the client's
 * `io(url, { auth: { token } })`.
 */
export interface SocketIoOptions extends SharedOptions {
  /**
   * The event the bot's frames travel in, both ways; the close event is `"<event>:close"`.
   * @default "botwire"
   */
  event?: string;
}

/** Options after defaults were applied and checked. */
export interface ResolvedSocketIoOptions extends ResolvedPolicy<SocketIoSocketLike> {
  /** The frame event. */
  event: string;
}

/** Options of the ws transport that mean nothing here, with what to use instead. */
const SOCKET_IO_OWNS: Readonly<Record<string, string>> = {
  allowedOrigins: "Socket.IO's `cors` and `allowRequest` options",
  maxPayload: "Socket.IO's `maxHttpBufferSize` option",
  heartbeatMs: "Socket.IO's `pingInterval` and `pingTimeout` options",
  perMessageDeflate: "Socket.IO's `perMessageDeflate` option",
  upgrade: "a Socket.IO middleware (`io.use`) that sets `socket.data.user`",
  upgradeTimeoutMs: "a Socket.IO middleware (`io.use`)",
};

/** The reserved event names of Socket.IO, which a bot's event must not shadow. */
const RESERVED = new Set([
  "connect",
  "connect_error",
  "disconnect",
  "disconnecting",
  "newListener",
  "removeListener",
]);

const WHERE = "attachToSocketIO()";

/** Applies defaults and rejects bad or misplaced options with an error that names them. */
export function resolveSocketIoOptions(options: SocketIoOptions): ResolvedSocketIoOptions {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`${WHERE}: options must be an object`);
  }
  for (const [name, instead] of Object.entries(SOCKET_IO_OWNS)) {
    if (name in options) throw new TypeError(`${WHERE}: ${name} is not supported; use ${instead}`);
  }
  const event = options.event ?? DEFAULT_EVENT;
  if (typeof event !== "string" || event === "" || RESERVED.has(event)) {
    throw new TypeError(`${WHERE}: event must be a non-empty string and not a reserved event`);
  }
  // Origins are Socket.IO's to check (see above): here every origin that reached us is fine.
  return { ...resolvePolicy({ ...options, allowedOrigins: "*" }, WHERE), event };
}
