/**
 * Options of {@link WebTransport}: the policy every server transport shares.
 * @module
 */
import type { TransportPolicyOptions } from "../policy/index.js";
import type { RequestLike } from "./platform.js";

/**
 * Options of `new WebTransport(options)`: the shared policy (origins, sizes, capacity,
 * per-address budgets, `trustProxy`, timeouts, `upgrade` hook; see
 * {@link TransportPolicyOptions}), with what each means on runtimes with WHATWG sockets:
 *
 * - `maxPayload`: a larger frame closes the connection with 1009 once it arrived (these
 *   runtimes take no per-socket size limit; Cloudflare's network has its own 1 MiB limit).
 * - `heartbeatMs`: Deno pings at this interval (rounded to seconds, `idleTimeout` of
 *   `Deno.upgradeWebSocket`) and closes a peer that does not answer; under Hono's Node helper
 *   the transport pings through `ws`. workerd has no pings for a worker to send: it answers
 *   the client's pings itself, and Cloudflare's edge drops dead TCP connections.
 * - `upgrade`: receives the WHATWG `Request`.
 */
export interface WebTransportOptions extends TransportPolicyOptions<RequestLike> {}
