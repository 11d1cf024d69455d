/**
 * RedisBroker: the cluster's message bus on Redis pub/sub.
 * @module
 */
import type { Redis } from "ioredis";
import type { Broker, BrokerListener } from "../storage/broker.js";

/** Options of {@link RedisBroker}. */
export interface RedisBrokerOptions {
  /**
   * Prefix of every channel name.
   * @default "botwire:"
   */
  prefix?: string;
}

/**
 * A {@link Broker} on Redis pub/sub. Needs two connections: one to publish, one that
 * becomes a subscriber (Redis forbids other commands on a subscribed connection).
 *
 * @example
 * ```ts
 * const redis = new Redis();
 * const broker = new RedisBroker(redis, redis.duplicate());
 * ```
 */
export class RedisBroker implements Broker {
  private readonly prefix: string;
  private readonly listeners = new Map<string, Set<BrokerListener>>();

  /**
   * @param pub - a client for publishing (may be shared with other uses)
   * @param sub - a dedicated client this broker puts into subscriber mode
   * @param options - channel prefix
   */
  constructor(
    private readonly pub: Redis,
    private readonly sub: Redis,
    options: RedisBrokerOptions = {},
  ) {
    if (pub === sub) {
      throw new TypeError(
        "RedisBroker: pass two different clients (e.g. redis and redis.duplicate())",
      );
    }
    this.prefix = options.prefix ?? "botwire:";
    sub.on("message", (channel: string, payload: string) => {
      const listeners = this.listeners.get(channel);
      if (listeners === undefined) return;
      for (const listener of listeners) listener(payload);
    });
  }

  async publish(channel: string, payload: string): Promise<void> {
    await this.pub.publish(this.prefix + channel, payload);
  }

  async subscribe(channel: string, listener: BrokerListener): Promise<void> {
    const name = this.prefix + channel;
    const listeners = this.listeners.get(name) ?? new Set<BrokerListener>();
    this.listeners.set(name, listeners);
    listeners.add(listener);
    if (listeners.size === 1) await this.sub.subscribe(name);
  }

  async unsubscribe(channel: string, listener: BrokerListener): Promise<void> {
    const name = this.prefix + channel;
    const listeners = this.listeners.get(name);
    if (listeners === undefined) return;
    listeners.delete(listener);
    if (listeners.size > 0) return;
    this.listeners.delete(name);
    await this.sub.unsubscribe(name);
  }
}
