/**
 * The broker carries bot-level events between nodes (processes) of one bot: "session X
 * has a new outbox entry" so the node holding X's connection can push it. One node needs
 * no broker; many nodes share one (`RedisBroker` from `botwire/redis`).
 * @module
 */
import type { MaybePromise } from "../util/types.js";

/** A handler for messages on a broker channel. */
export type BrokerListener = (payload: string) => void;

/** Publish/subscribe of string payloads on named channels. */
export interface Broker {
  /** Sends `payload` to every subscriber of `channel` on every node (including this one). */
  publish(channel: string, payload: string): MaybePromise<void>;
  /** Starts calling `listener` for payloads published on `channel`. */
  subscribe(channel: string, listener: BrokerListener): MaybePromise<void>;
  /** Stops calling `listener` for `channel`. */
  unsubscribe(channel: string, listener: BrokerListener): MaybePromise<void>;
}

/**
 * An in-process broker. Bots in one process that share a `MemoryBroker` (and a ledger)
 * behave like nodes of a cluster — handy in tests. Delivery is asynchronous, as over Redis.
 */
export class MemoryBroker implements Broker {
  private readonly channels = new Map<string, Set<BrokerListener>>();

  publish(channel: string, payload: string): void {
    const listeners = this.channels.get(channel);
    if (listeners === undefined) return;
    for (const listener of [...listeners]) queueMicrotask(() => listener(payload));
  }

  subscribe(channel: string, listener: BrokerListener): void {
    const listeners = this.channels.get(channel) ?? new Set<BrokerListener>();
    this.channels.set(channel, listeners);
    listeners.add(listener);
  }

  unsubscribe(channel: string, listener: BrokerListener): void {
    const listeners = this.channels.get(channel);
    listeners?.delete(listener);
    if (listeners?.size === 0) this.channels.delete(channel);
  }
}
