/**
 * What the web transport keeps per connection, out of its public surface: the admission
 * counts, the open links, the heartbeat over those that can ping, and the host to hand new
 * connections to.
 * @module
 */
import type { ConnectionOptions, TransportHost } from "../../core/transport.js";
import { CloseCode } from "../../protocol/codes.js";
import {
  Admission,
  DRAIN_RETRY_AFTER_MS,
  Heartbeat,
  type Refusal,
  type ResolvedPolicy,
} from "../policy/index.js";
import type { LinkSource } from "./hono.js";
import { type Endpoint, Link, type LinkOwner, type Pinger } from "./link.js";
import {
  headerRecord,
  type PeerAddress,
  peerHost,
  type RequestLike,
  type WebSocketLike,
} from "./platform.js";

const NOT_ACCEPTING: Refusal = {
  status: 503,
  message: "not accepting connections",
  retryAfterMs: DRAIN_RETRY_AFTER_MS,
};

/** The links of one transport. */
export class Links implements LinkOwner, LinkSource {
  private readonly admission: Admission<RequestLike>;
  private readonly links = new Set<Link>();
  private readonly beating = new Set<Link>();
  private readonly heartbeat: Heartbeat<Link>;
  private readonly connectionOptions: ConnectionOptions;
  /** The bot, while the transport is started. */
  host: TransportHost | undefined;
  /** False while the bot drains before a stop (and before it starts). */
  private accepting = false;

  /** @param policy - the transport's resolved options */
  constructor(private readonly policy: ResolvedPolicy<RequestLike>) {
    this.admission = new Admission(policy);
    this.heartbeat = new Heartbeat(this.beating, policy.heartbeatMs);
    const hello = policy.helloTimeoutMs;
    this.connectionOptions = hello === undefined ? {} : { helloTimeoutMs: hello };
  }

  get size(): number {
    return this.links.size;
  }

  get maxPayload(): number {
    return this.policy.maxPayload;
  }

  get upgradeTimeoutMs(): number {
    return this.policy.upgradeTimeoutMs;
  }

  /** The transport started: hand connections to `host`. */
  start(host: TransportHost): void {
    this.host = host;
    this.accepting = true;
    this.heartbeat.start();
  }

  /** The bot drains before a stop: new requests get 503, open links stay. */
  stopAccepting(): void {
    this.accepting = false;
  }

  /** The transport stops: closes every link with `code`; resolves once all ended. */
  async stop(code: number, reason: string): Promise<void> {
    this.host = undefined;
    this.accepting = false;
    this.heartbeat.stop();
    await Promise.all([...this.links].map((link) => link.shutdown(code, reason)));
  }

  async admitLink(request: RequestLike, peer: PeerAddress): Promise<Link | Refusal> {
    if (this.host === undefined || !this.accepting) return NOT_ACCEPTING;
    const headers = headerRecord(request.headers);
    const origin = headers.origin;
    const socketAddress = peerHost(peer);
    const address = this.policy.clientAddress(socketAddress, headers);
    const verdict = await this.admission.check(request, origin, address, headers.host);
    if (this.host === undefined || (verdict !== undefined && "status" in verdict)) {
      this.admission.leave(address);
      return verdict !== undefined && "status" in verdict ? verdict : NOT_ACCEPTING;
    }
    const user = verdict?.user;
    const info = {
      remoteAddress: this.policy.proxied ? address : socketAddress,
      origin,
      headers,
      ...(user !== undefined && { user }),
    };
    const link = new Link(info, this, address);
    this.links.add(link);
    return link;
  }

  openLink(link: Link, endpoint: Endpoint, pinger?: Pinger): void {
    link.open(endpoint, this.host, this.connectionOptions, pinger);
    if (link.pingable && !link.ended) this.beating.add(link);
  }

  /** Feeds a WHATWG socket's events to `link`. */
  attach(link: Link, socket: WebSocketLike): void {
    socket.addEventListener("message", (event) => link.message(event.data));
    socket.addEventListener("close", (event) => link.closed(event.code, event.reason));
    // A socket error is final, but workerd reports a proxied socket's failure with an error
    // event alone (no close event follows); the link ends on whichever comes first.
    socket.addEventListener("error", () => link.failed());
    if (socket.readyState === 1) this.openLink(link, socket);
    else socket.addEventListener("open", () => this.openLink(link, socket));
  }

  gone(link: Link): void {
    this.links.delete(link);
    this.beating.delete(link);
    this.admission.leave(link.address);
  }

  /** A 4401 is a failed login of that address. */
  closedByBot(code: number, address: string | undefined): void {
    if (code === CloseCode.Unauthorized) this.admission.authFailed(address);
  }
}
