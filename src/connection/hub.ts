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
import type { ResolvedStreaming } from "../core/streaming.js";
import type { MessageTelemetry } from "../core/telemetry.js";
import type {
  Connection,
  ConnectionListener,
  ConnectionOptions,
  TransportHost,
} from "../core/transport.js";
import { BotStoppingError } from "../core/turn-control.js";
import { CloseCode } from "../protocol/codes.js";
import type { OutboxEntry } from "../storage/ledger.js";
import { AddressBudget } from "../util/budget.js";
import { isThenable, type MaybePromise } from "../util/types.js";
import { type NodeCensus, takeCensus } from "./census.js";
import { Drain } from "./drain.js";
import { Fanout } from "./fanout.js";
import type { HostConfig, LivePeer, PeerHost } from "./host.js";
import { Peer } from "./peer.js";
import { Streams } from "./streams.js";
import { Turns } from "./turns.js";

/** The listener of a connection that could not be taken: it is closing, its events mean nothing. */
const IGNORED: ConnectionListener = { message() {}, binary() {}, close() {} };

/** `memory`, `redis` or `custom`: which ledger a bot uses, for telemetry (a bounded label). */
function kindOf(ledger: object): string {
  const name = ledger.constructor?.name;
  return name === "MemoryLedger" ? "memory" : name === "RedisLedger" ? "redis" : "custom";
}

/** Connects transports to peers and routes outbox entries to the live connections of a session. */
export class Hub<C extends Context> implements TransportHost, PeerHost<C> {
  private readonly inflight = new Set<Promise<unknown>>();
  /** Open peers, for counting and shutdown. */
  readonly peers = new Set<LivePeer>();
  readonly fanout: Fanout;
  readonly turns: Turns;
  readonly streams: Streams;
  /** Telling connections to go before a stop (`bot.stop({ drainMs })`). */
  readonly drain = new Drain(this.peers);
  /** Message budgets per address, shared by all connections from it (made on first use). */
  private budget: AddressBudget | undefined;
  /** Closed peers whose queued work (messages, the disconnect update) is still running. */
  private readonly draining = new Set<LivePeer>();
  private hookCache: HandshakeHook[] | undefined;
  private handlerCache: MiddlewareFn<C> | undefined;

  constructor(readonly config: HostConfig<C>) {
    this.fanout = new Fanout(config);
    const { streaming } = config;
    this.turns = new Turns({
      ...config,
      cancelGraceMs: streaming.cancelGraceMs,
      node: () => this.fanout.node(),
    });
    this.streams = new Streams({
      ...config,
      store: config.services.store,
      ttlMs: config.services.sessionTtlMs,
      streaming,
    });
    config.telemetry?.attach(
      { backlog: () => this.backlog() },
      { ledger: kindOf(config.ledger), broker: config.broker !== undefined },
    );
  }

  /** What the live connections have not acknowledged, and their sockets not written. */
  private backlog(): { messages: number; bytes: number } {
    const sum = { messages: 0, bytes: 0 };
    for (const peer of this.peers) peer.outstanding(sum);
    return sum;
  }

  /** What this node holds now (see `bot.census()`). */
  census(running: boolean, maxSessions: number): Promise<NodeCensus> {
    const { peers, config, turns } = this;
    const source = { node: this.fanout.node(), running, peers, ledger: config.ledger };
    return takeCensus({ ...source, turns: turns.perSession() }, maxSessions);
  }

  /** The bot's streaming options. */
  get streaming(): ResolvedStreaming {
    return this.config.streaming;
  }

  open(connection: Connection, options?: ConnectionOptions): ConnectionListener {
    let peer: Peer<C>;
    try {
      peer = new Peer(
        this,
        connection,
        options?.helloTimeoutMs ?? this.config.limits.helloTimeoutMs,
      );
    } catch (error) {
      // E.g. a custom `telemetry` whose connection() throws. Transports call this inside
      // socket callbacks, where a throw would end the process: the connection is closed.
      this.config.logger.error?.("could not take a connection; it was closed with 1011", {
        error,
      });
      connection.close(CloseCode.Internal, "internal error");
      return IGNORED;
    }
    this.peers.add(peer);
    this.drain.opened(peer);
    return peer;
  }

  /** Takes one message from `address`'s budget: 0, or the milliseconds until one is available. */
  takeFromAddress(address: string): number {
    const { addressMessagesPerSecond: rate, addressBurst: burst } = this.config.limits;
    this.budget ??= new AddressBudget({ limit: burst, windowMs: (burst / rate) * 1000 });
    return this.budget.take(address);
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
    this.drain.reset();
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
    trace?: MessageTelemetry,
  ): MaybePromise<number> {
    const appended = this.config.ledger.append(session, encode, replyTo);
    this.config.telemetry?.sent(replyTo !== undefined);
    return isThenable(appended)
      ? appended.then((entry) => this.publish(session, entry, trace))
      : this.publish(session, appended, trace);
  }

  private publish(
    session: string,
    entry: OutboxEntry,
    trace: MessageTelemetry | undefined,
  ): MaybePromise<number> {
    // The trace crosses to other nodes with the entry: only made when there is a broker.
    const traceparent = this.config.broker === undefined ? undefined : trace?.traceparent();
    const published = this.fanout.entry(session, entry, traceparent);
    return isThenable(published) ? published.then(() => entry.seq) : entry.seq;
  }

  attach(session: string, peer: LivePeer): Promise<void> {
    return this.fanout.attach(session, peer);
  }

  detach(session: string, peer: LivePeer): void {
    this.fanout.detach(session, peer);
  }

  /** Removes a closed peer. */
  forget(peer: LivePeer): void {
    this.peers.delete(peer);
    if (peer.busy) this.draining.add(peer);
    this.drain.closed();
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
