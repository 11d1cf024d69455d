/**
 * For writing transports: the small contract between the bot and a source of connections.
 * A transport maps its runtime's sockets onto {@link Connection} and feeds each one's
 * events to the {@link ConnectionListener} the bot returns; `bot.start(transport)` runs it.
 * `botwire/ws` (Node, `ws`) and the memory transport of `botwire/testing` are two of them.
 * The runtime-neutral policy (`resolvePolicy`, `Admission`, `Heartbeat`, `clampReason`) is
 * here too, so a new transport is a mapping of its socket and nothing more; prove it with
 * `runTransportSuite` from `botwire/testing`.
 *
 * @example
 * ```ts
 * import type { Connection, Transport, TransportHost } from "botwire/transport";
 *
 * // A transport over some runtime's WebSocket server.
 * class MyTransport implements Transport {
 *   constructor(private readonly server: MyWebSocketServer) {}
 *   listen(host: TransportHost) {
 *     this.server.onConnection((socket, request) => {
 *       const connection: Connection = {
 *         id: crypto.randomUUID(),
 *         info: { remoteAddress: request.ip, origin: request.headers.origin, headers: request.headers },
 *         get bufferedAmount() { return socket.bufferedAmount; },
 *         send: (frame) => socket.send(frame),
 *         close: (code, reason) => socket.close(code, reason),
 *       };
 *       const listener = host.open(connection);
 *       socket.onText((frame) => listener.message(frame));
 *       socket.onBinary(() => listener.binary());
 *       socket.onClose((code, reason) => listener.close(code, reason));
 *     });
 *   }
 *   close(code: number, reason: string) {
 *     return this.server.close(code, reason);
 *   }
 * }
 * ```
 * @module botwire/transport
 */

// The contract.
export type {
  Connection,
  ConnectionInfo,
  ConnectionListener,
  ConnectionOptions,
  Transport,
  TransportHost,
} from "../core/transport.js";
// Policy every server transport applies the same way (see docs/extending.md).
export {
  AddressBudget,
  type AddressBudgetOptions,
  AddressCounts,
  Admission,
  type AdmissionPolicy,
  type AllowedOrigins,
  addressKey,
  type Beating,
  type ClientAddressFn,
  clampReason,
  Heartbeat,
  isSameOrigin,
  isValidCloseCode,
  normalizeAddress,
  originPolicy,
  type ProxyHeader,
  proxyPolicy,
  type Rate,
  type Refusal,
  type RefusalReason,
  type RequestHeaders,
  type ResolvedPolicy,
  resolvePolicy,
  type TransportPolicyOptions,
  type TrustProxy,
  type UpgradeDecision,
  type Verdict,
} from "./policy/index.js";
