/**
 * The hub shared by all connections of a bot: it opens a peer per connection, knows the live
 * peers of each session, fans outbox entries out to them (and through the broker to other
 * nodes), and tracks work in flight so a stopping bot can wait for it. Internal.
 * @module
 */

import type { MiddlewareFn } from "../core/compose.js";
import type { Context } from "../core/context.js";
import type { BotEvents } from "../core/events.js";
import type { HandshakeHook } from "../core/handshake.js";
import type {
  Connection,
  ConnectionListener,
  ConnectionOptions,
  TransportHost,
} from "../core/transport.js";
import { BotStoppingError, type TurnControl } from "../core/turn-control.js";
import type { BrokerListener } from "../storage/broker.js";
import type { OutboxEntry } from "../storage/ledger.js";
import { AddressBudget } from "../util/budget.js";
import { randomId } from "../util/id.js";
import { isThenable, type MaybePromise } from "../util/types.js";
import type { HostConfig, LivePeer, PeerHost } from "./host.js";
import { Peer } from "./peer.js";

/** Connects transports to peers and routes outbox entries to the live connections of a session. */
export class Hub<C extends Context> implements TransportHost, PeerHost<C> {
  /** Live peers per session id on this node. */
  private readonly live = new Map<string, Set<LivePeer>>();
  private readonly inflight = new Set<Promise<unknown>>();
  /** Open peers, for counting and shutdown. */
  readonly peers = new Set<LivePeer>();
  readonly turns = new Set<TurnControl>();
  /** Message budgets per address, shared by all connections from it (made on first use). */
  private budget: AddressBudget | undefined;
  /** Closed peers whose queued work (messages, the disconnect update) is still running. */
  private readonly draining = new Set<LivePeer>();
  private hookCache: HandshakeHook[] | undefined;
  /**
   * Identifies this node's own publications, which it already delivered locally. Made on
   * first use, not at construction: some runtimes (workerd) refuse randomness at import
   * time, where a bot is usually constructed.
   */
  private nodeId: string | undefined;
  private readonly subscriptions = new Map<string, BrokerListener>();
  private handlerCache: MiddlewareFn<C> | undefined;
  /** Whether `push` is running, and the session, entry pairs pushed meanwhile (flat). */
  private pushing = false;
  private readonly pushQueue: Array<string | OutboxEntry> = [];

  constructor(readonly config: HostConfig<C>) {}

  open(connection: Connection, options?: ConnectionOptions): ConnectionListener {
    const peer = new Peer(
      this,
      connection,
      options?.helloTimeoutMs ?? this.config.limits.helloTimeoutMs,
    );
    this.peers.add(peer);
    return peer;
  }

  /** Takes one message from `address`'s budget: 0, or the milliseconds until one is available. */
  takeFromAddress(address: string): number {
    const { addressMessagesPerSecond: rate, addressBurst: burst } = this.config.limits;
    this.budget ??= new AddressBudget({ limit: burst, windowMs: (burst / rate) * 1000 });
    return this.budget.take(address);
  }

  private node(): string {
    this.nodeId ??= randomId(8);
    return this.nodeId;
  }

  /** The composed middleware (computed once per start). */
  get handler(): MiddlewareFn<C> {
    this.handlerCache ??= this.config.handler();
    return this.handlerCache;
  }

  /** The handshake hooks of the whole middleware tree (collected once per start). */
  get hooks(): HandshakeHook[] {
    this.hookCache ??= this.config.hooks();
    return this.hookCache;
  }

  /** Forgets cached middleware so registrations made after a stop take effect on restart. */
  reset(): void {
    this.hookCache = undefined;
    this.handlerCache = undefined;
  }

  /**
   * Appends a bot message to a session's outbox and pushes it to the session's live peers,
   * here and (through the broker) on other nodes. `replyTo`: the id of the message being
   * handled, when this answers it (see `Ledger.append`). Synchronous when the ledger is and
   * there is no broker (one node, in-memory ledger).
   */
  deliver(
    session: string,
    encode: (seq: number) => string,
    replyTo?: string,
  ): MaybePromise<number> {
    const appended = this.config.ledger.append(session, encode, replyTo);
    return isThenable(appended)
      ? appended.then((entry) => this.publish(session, entry))
      : this.publish(session, appended);
  }

  private publish(session: string, entry: OutboxEntry): MaybePromise<number> {
    this.push(session, entry);
    const broker = this.config.broker;
    if (broker === undefined) return entry.seq;
    const payload = JSON.stringify({ n: this.node(), s: entry.seq, f: entry.frame });
    return Promise.resolve()
      .then(() => broker.publish(`s:${session}`, payload))
      .then(
        () => entry.seq,
        (error: unknown) => {
          // The entry is in the outbox: a remote client gets it on its next resume at the latest.
          this.config.logger.warn?.("broker publish failed", { error });
          return entry.seq;
        },
      );
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
    for (const peer of peers) peer.push(entry);
  }

  /**
   * Registers a peer as live for a session (before its welcome, so nothing slips by).
   * With a broker, resolves once this node is subscribed to the session's channel.
   */
  async attach(session: string, peer: LivePeer): Promise<void> {
    let peers = this.live.get(session);
    if (peers === undefined) {
      peers = new Set<LivePeer>();
      this.live.set(session, peers);
      this.config.ledger.pin?.(session);
    }
    peers.add(peer);
    const broker = this.config.broker;
    if (broker === undefined || this.subscriptions.has(session)) return;
    const listener: BrokerListener = (payload) => this.fromBroker(session, payload);
    this.subscriptions.set(session, listener);
    await broker.subscribe(`s:${session}`, listener);
  }

  /** Removes a peer from a session's live set. */
  detach(session: string, peer: LivePeer): void {
    const peers = this.live.get(session);
    if (peers === undefined) return;
    peers.delete(peer);
    if (peers.size > 0) return;
    this.live.delete(session);
    this.config.ledger.unpin?.(session);
    const listener = this.subscriptions.get(session);
    if (listener === undefined || this.config.broker === undefined) return;
    this.subscriptions.delete(session);
    Promise.resolve(this.config.broker.unsubscribe(`s:${session}`, listener)).catch(
      (error: unknown) => this.config.logger.warn?.("broker unsubscribe failed", { error }),
    );
  }

  private fromBroker(session: string, payload: string): void {
    let message: { n?: unknown; s?: unknown; f?: unknown };
    try {
      message = JSON.parse(payload) as typeof message;
    } catch {
      return;
    }
    if (
      message.n === this.node() ||
      typeof message.s !== "number" ||
      typeof message.f !== "string"
    ) {
      return;
    }
    this.push(session, { seq: message.s, frame: message.f });
  }

  /** Removes a closed peer. */
  forget(peer: LivePeer): void {
    this.peers.delete(peer);
    if (peer.busy) this.draining.add(peer);
  }

  /** A closed peer finished its last task. */
  drained(peer: LivePeer): void {
    this.draining.delete(peer);
  }

  /**
   * Emits on `bot.events`, isolating the caller from a listener that throws: events fire
   * inside socket callbacks, where an exception would end the process.
   */
  emit<K extends keyof BotEvents<C>>(event: K, ...args: Parameters<BotEvents<C>[K]>): void {
    try {
      (this.config.events.emit as (event: K, ...args: unknown[]) => boolean)(event, ...args);
    } catch (error) {
      this.config.logger.error?.(`a "${String(event)}" listener threw`, { error });
    }
  }

  /** Tracks a promise so `idle()` can wait for it. */
  track<T>(promise: Promise<T>): Promise<T> {
    this.inflight.add(promise);
    const done = () => this.inflight.delete(promise);
    promise.then(done, done);
    return promise;
  }

  /** Resolves once no tracked work is in flight. */
  async idle(): Promise<void> {
    for (;;) {
      const peers = [...this.peers, ...this.draining].filter((p) => p.busy);
      if (peers.length === 0 && this.inflight.size === 0) return;
      await Promise.allSettled([...this.inflight, ...peers.map((p) => p.drained())]);
    }
  }
  /**
   * Stops the work in flight: every running turn's signal aborts now; a turn still running
   * after `graceMs` is abandoned (its client gets an `internal` error, its session lock and
   * claim are released), so a stop never waits for a handler that does not listen.
   */
  async settle(graceMs: number): Promise<void> {
    const reason = new BotStoppingError();
    for (const turn of this.turns) turn.abort(reason);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    const idle = this.idle();
    await Promise.race([idle, grace]);
    clearTimeout(timer);
    for (const turn of this.turns) turn.abandon(reason);
    await idle;
  }
}
