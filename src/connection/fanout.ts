/**
 * Fan-out of what a session's clients must see: outbox entries (seq'd), deltas of streamed
 * replies and activities (ephemeral), to the session's live peers on this node and, through
 * the broker, on every other node. Internal.
 * @module
 */

import type { Logger } from "../core/logger.js";
import type { Telemetry } from "../core/telemetry.js";
import { encodeDelta } from "../protocol/encode.js";
import { isTraceparent } from "../protocol/frames.js";
import type { Broker, BrokerListener } from "../storage/broker.js";
import type { Ledger, OutboxEntry } from "../storage/ledger.js";
import { randomId } from "../util/id.js";
import type { MaybePromise } from "../util/types.js";
import type { Outlet } from "./outlet.js";

/** A live connection as the fan-out sees it. */
export interface FanoutPeer {
  readonly outlet: Outlet;
}

/** What the fan-out needs of its bot. */
interface FanoutConfig {
  broker: Broker | undefined;
  ledger: Pick<Ledger, "pin" | "unpin">;
  logger: Logger;
  telemetry?: Telemetry | undefined;
}

/** A broker payload on a session's channel (`s:<session>`), sent by node `n`. */
interface Payload {
  /** The sending node. */
  n?: unknown;
  /** An outbox entry: its seq and frame. */
  s?: unknown;
  f?: unknown;
  /** An ephemeral frame (an activity). */
  e?: unknown;
  /** A delta: stream id, offset, text. */
  d?: unknown;
  a?: unknown;
  t?: unknown;
  /** A stream that ended. */
  x?: unknown;
  /** The W3C traceparent of the message whose handling appended the entry (with telemetry). */
  tp?: unknown;
}

/** Knows the live peers of each session on this node, and reaches the others' through the broker. */
export class Fanout {
  /**
   * Live peers per session id on this node. Copy-on-write arrays, not Sets: most sessions
   * have one tab, and an array of one costs ~60 bytes where a Set costs ~240 (per idle
   * connection, see docs/benchmarks.md). A push that runs while a peer attaches or detaches
   * goes on over the array it started with.
   */
  private readonly live = new Map<string, readonly FanoutPeer[]>();
  private readonly subscriptions = new Map<string, BrokerListener>();
  /** Whether `push` is running, and the session, entry pairs pushed meanwhile (flat). */
  private pushing = false;
  private readonly pushQueue: Array<string | OutboxEntry> = [];
  /**
   * Identifies this node's own publications, which it already delivered locally. Made on
   * first use, not at construction: some runtimes (workerd) refuse randomness at import
   * time, where a bot is usually constructed.
   */
  private nodeId: string | undefined;

  constructor(private readonly config: FanoutConfig) {}

  /** This node's id on the broker. */
  node(): string {
    this.nodeId ??= randomId(8);
    return this.nodeId;
  }

  private get broker(): Broker | undefined {
    return this.config.broker;
  }

  /**
   * Pushes an outbox entry to the session's live peers, here and on other nodes.
   * `traceparent`: the trace of the message being handled, carried to the other nodes.
   */
  entry(session: string, entry: OutboxEntry, traceparent?: string): MaybePromise<void> {
    this.push(session, entry);
    if (this.broker === undefined) return;
    const payload: Payload = { n: this.node(), s: entry.seq, f: entry.frame };
    if (traceparent !== undefined) payload.tp = traceparent;
    return this.publish(session, payload);
  }

  /** Sends an ephemeral frame (an activity) to the session's live peers, here and elsewhere. */
  ephemeral(session: string, frame: string): void {
    const peers = this.live.get(session);
    if (peers !== undefined) for (const peer of peers) peer.outlet.ephemeral(frame);
    void this.publish(session, { n: this.node(), e: frame });
  }

  /** Sends a delta to the session's live peers on this node. */
  localDelta(session: string, stream: string, at: number, text: string): void {
    const peers = this.live.get(session);
    if (peers === undefined) return;
    const frame = encodeDelta(stream, at, text);
    for (const peer of peers) peer.outlet.delta(stream, at, text, frame);
  }

  /** A stream ended: the session's peers here and on other nodes stop tracking it. */
  endStream(session: string, stream: string, remote: boolean): MaybePromise<void> {
    const peers = this.live.get(session);
    if (peers !== undefined) for (const peer of peers) peer.outlet.endStream(stream);
    if (remote) return this.publish(session, { n: this.node(), x: stream });
  }

  /** Sends a delta to the session's live peers on the other nodes. */
  remoteDelta(session: string, stream: string, at: number, text: string): MaybePromise<void> {
    return this.publish(session, { n: this.node(), d: stream, a: at, t: text });
  }

  /** Whether this node has a live peer of `session`. */
  has(session: string): boolean {
    return this.live.has(session);
  }

  private publish(session: string, payload: Payload): MaybePromise<void> {
    const broker = this.broker;
    if (broker === undefined) return;
    return Promise.resolve()
      .then(() => broker.publish(`s:${session}`, JSON.stringify(payload)))
      .then(undefined, (error: unknown) => {
        // Entries are in the outbox: a remote client gets them on its next resume at the latest.
        this.config.logger.warn?.("broker publish failed", { error });
      });
  }

  /**
   * Pushes an outbox entry to the live peers of a session on this node. Not re-entrant: a
   * write can synchronously make a client send a frame that is handled at once and pushes a
   * later entry; that one waits until every peer has this one, or a peer that had not got
   * this one yet would skip it as older than what it already sent.
   */
  push(session: string, entry: OutboxEntry): void {
    const queued = this.pushQueue;
    if (this.pushing) {
      queued.push(session, entry);
      return;
    }
    this.pushing = true;
    try {
      this.pushNow(session, entry);
      for (let i = 0; i < queued.length; i += 2) {
        this.pushNow(queued[i] as string, queued[i + 1] as OutboxEntry);
      }
    } finally {
      queued.length = 0;
      this.pushing = false;
    }
  }

  private pushNow(session: string, entry: OutboxEntry): void {
    const peers = this.live.get(session);
    if (peers === undefined) return;
    for (const peer of peers) peer.outlet.push(entry);
  }

  /**
   * Registers a peer as live for a session (before its welcome, so nothing slips by).
   * With a broker, resolves once this node is subscribed to the session's channel.
   */
  async attach(session: string, peer: FanoutPeer): Promise<void> {
    const peers = this.live.get(session);
    if (peers === undefined) {
      this.live.set(session, [peer]);
      this.config.ledger.pin?.(session);
    } else if (!peers.includes(peer)) {
      this.live.set(session, [...peers, peer]);
    }
    const broker = this.broker;
    if (broker === undefined || this.subscriptions.has(session)) return;
    const listener: BrokerListener = (payload) => this.fromBroker(session, payload);
    this.subscriptions.set(session, listener);
    await broker.subscribe(`s:${session}`, listener);
  }

  /** Removes a peer from a session's live set. */
  detach(session: string, peer: FanoutPeer): void {
    const peers = this.live.get(session);
    if (peers === undefined || !peers.includes(peer)) return;
    if (peers.length > 1) {
      this.live.set(
        session,
        peers.filter((p) => p !== peer),
      );
      return;
    }
    this.live.delete(session);
    this.config.ledger.unpin?.(session);
    const listener = this.subscriptions.get(session);
    const broker = this.broker;
    if (listener === undefined || broker === undefined) return;
    this.subscriptions.delete(session);
    Promise.resolve(broker.unsubscribe(`s:${session}`, listener)).catch((error: unknown) =>
      this.config.logger.warn?.("broker unsubscribe failed", { error }),
    );
  }

  private fromBroker(session: string, raw: string): void {
    let p: Payload;
    try {
      p = JSON.parse(raw) as Payload;
    } catch {
      return;
    }
    if (p === null || typeof p !== "object" || p.n === this.node()) return;
    if (typeof p.s === "number" && typeof p.f === "string") {
      const { telemetry } = this.config;
      if (telemetry !== undefined && this.live.has(session)) {
        telemetry.remote("entry", isTraceparent(p.tp) ? p.tp : undefined);
      }
      this.push(session, { seq: p.s, frame: p.f });
    } else if (typeof p.e === "string") {
      const peers = this.live.get(session);
      if (peers !== undefined) for (const peer of peers) peer.outlet.ephemeral(p.e);
    } else if (typeof p.d === "string" && typeof p.a === "number" && typeof p.t === "string") {
      this.localDelta(session, p.d, p.a, p.t);
    } else if (typeof p.x === "string") {
      void this.endStream(session, p.x, false);
    }
  }
}
