/**
 * The turns running on this node, so a stopping bot can abort them and a client's `cancel`
 * reaches the one handling its message — here, or through the broker on another node. A
 * cancel that arrives before its message's turn starts (the message is still queued, or on
 * its way to another node) is remembered for a while and applied when the turn starts.
 * Internal.
 * @module
 */

import type { Logger } from "../core/logger.js";
import { TurnCancelledError, type TurnControl } from "../core/turn-control.js";
import type { Broker, BrokerListener } from "../storage/broker.js";

/**
 * Cancels remembered for turns that had not started yet, per session (so one session's stale
 * cancels never push out another's): at most this many sessions…
 */
const REMEMBERED_SESSIONS = 10_000;
/** …this many cancels each (a session has at most a queue of messages waiting)… */
const REMEMBERED_PER_SESSION = 16;
/** …for this long. */
const REMEMBER_MS = 60_000;
/** The broker channel cancels travel on. */
const CHANNEL = "cancel";

type TurnsConfig = {
  broker: Broker | undefined;
  logger: Logger;
  /** After a cancel, how long a handler may ignore its signal before it is abandoned. */
  cancelGraceMs: number;
  /** This node's id on the broker. */
  node: () => string;
};

/** A running turn of a client message. */
interface Running {
  readonly session: string;
  readonly control: TurnControl;
}

/** The running turns of this node. */
export class Turns {
  /** Every asynchronous turn running now. */
  private readonly all = new Set<TurnControl>();
  /**
   * The running turns of client messages by message id (ids of different sessions may be
   * equal: then a list). Keyed by the id alone, which needs no string built per message.
   */
  private readonly byMessage = new Map<string, Running | Running[]>();
  /** Cancels that found no turn yet, per session: message id → when it lapses. */
  private readonly early = new Map<string, Map<string, number>>();
  private listener: BrokerListener | undefined;
  private listening: Promise<void> | undefined;

  constructor(private readonly config: TurnsConfig) {}

  /**
   * Whether message `id` of `session` was cancelled before its turn started (and forgets
   * that cancel). Checked before the chain runs, so the handler starts with its signal aborted.
   */
  cancelledEarly(session: string, id: string | undefined): boolean {
    if (this.early.size === 0 || id === undefined) return false;
    const ids = this.early.get(session);
    if (ids === undefined) return false;
    const lapses = ids.get(id);
    ids.delete(id);
    if (ids.size === 0) this.early.delete(session);
    return lapses !== undefined && lapses > Date.now();
  }

  /** Registers a running turn; `id` when it handles a client message. */
  add(control: TurnControl, session: string, id: string | undefined): void {
    this.all.add(control);
    if (id === undefined) return;
    const running: Running = { session, control };
    const found = this.byMessage.get(id);
    if (found === undefined) this.byMessage.set(id, running);
    else if (Array.isArray(found)) found.push(running);
    else this.byMessage.set(id, [found, running]);
  }

  private find(session: string, id: string): TurnControl | undefined {
    const found = this.byMessage.get(id);
    if (found === undefined) return undefined;
    if (!Array.isArray(found)) return found.session === session ? found.control : undefined;
    return found.find((r) => r.session === session)?.control;
  }

  /** Unregisters a turn that ended. */
  delete(control: TurnControl, id: string | undefined): void {
    this.all.delete(control);
    if (id === undefined) return;
    const found = this.byMessage.get(id);
    if (found === undefined) return;
    if (!Array.isArray(found)) {
      if (found.control === control) this.byMessage.delete(id);
      return;
    }
    const rest = found.filter((r) => r.control !== control);
    if (rest.length === 0) this.byMessage.delete(id);
    else this.byMessage.set(id, rest.length === 1 ? (rest[0] as Running) : rest);
  }

  /** How many client messages of each session are being handled now. */
  perSession(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const found of this.byMessage.values()) {
      for (const { session } of Array.isArray(found) ? found : [found]) {
        counts.set(session, (counts.get(session) ?? 0) + 1);
      }
    }
    return counts;
  }

  /** The turns running now. */
  [Symbol.iterator](): IterableIterator<TurnControl> {
    return this.all.values();
  }

  /**
   * A client cancelled message `id` of `session`: aborts its turn if it runs here, else
   * remembers the cancel and passes it to the other nodes. Returns whether it ran here.
   */
  cancel(session: string, id: string, fromBroker = false): boolean {
    const control = this.find(session, id);
    if (control !== undefined) {
      this.cancelTurn(control);
      return true;
    }
    this.remember(session, id);
    const broker = this.config.broker;
    if (!fromBroker && broker !== undefined) {
      const payload = JSON.stringify({ n: this.config.node(), s: session, i: id });
      Promise.resolve()
        .then(() => broker.publish(CHANNEL, payload))
        .catch((error: unknown) => this.config.logger.warn?.("broker publish failed", { error }));
    }
    return false;
  }

  /** Cancels a turn (also one whose message was cancelled before it started). */
  cancelTurn(control: TurnControl): void {
    if (control.signal.aborted) return;
    const reason = new TurnCancelledError();
    control.abort(reason);
    // A handler that ignores its signal is let go of after a grace period, so the
    // session's next message does not wait for it.
    const timer = setTimeout(() => control.abandon(reason), this.config.cancelGraceMs);
    (timer as { unref?: () => void }).unref?.();
    control.onEnd(() => clearTimeout(timer));
  }

  private remember(session: string, id: string): void {
    const now = Date.now();
    let ids = this.early.get(session);
    if (ids === undefined) {
      // Sessions are kept oldest first; the oldest go when there are too many.
      for (const [old, kept] of this.early) {
        if (this.early.size < REMEMBERED_SESSIONS) break;
        this.early.delete(old);
        kept.clear();
      }
      ids = new Map();
      this.early.set(session, ids);
    }
    for (const [old, lapses] of ids) {
      if (lapses > now && ids.size < REMEMBERED_PER_SESSION) break;
      ids.delete(old);
    }
    ids.set(id, now + REMEMBER_MS);
  }

  /**
   * Listens for cancels from other nodes (with a broker). Concurrent calls share one
   * subscription and its outcome; after a failure the next call subscribes again.
   */
  listen(): Promise<void> {
    const broker = this.config.broker;
    if (broker === undefined) return Promise.resolve();
    if (this.listening !== undefined) return this.listening;
    const listener = (raw: string) => this.fromBroker(raw);
    this.listener = listener;
    const listening = Promise.resolve()
      .then(() => broker.subscribe(CHANNEL, listener))
      .catch((error: unknown) => {
        if (this.listener === listener) this.listener = undefined;
        if (this.listening === listening) this.listening = undefined;
        throw error;
      });
    this.listening = listening;
    return listening;
  }

  /** Stops listening (the bot stopped). */
  async unlisten(): Promise<void> {
    const { broker } = this.config;
    const listener = this.listener;
    this.listener = undefined;
    this.listening = undefined;
    if (broker !== undefined && listener !== undefined) await broker.unsubscribe(CHANNEL, listener);
  }

  private fromBroker(raw: string): void {
    let p: { n?: unknown; s?: unknown; i?: unknown };
    try {
      p = JSON.parse(raw) as typeof p;
    } catch {
      return;
    }
    if (p === null || typeof p !== "object" || p.n === this.config.node()) return;
    if (typeof p.s === "string" && typeof p.i === "string") this.cancel(p.s, p.i, true);
  }
}
