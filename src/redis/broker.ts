/**
 * RedisBroker: the cluster's message bus on Redis pub/sub.
 * @module
 */
import type { Redis } from "ioredis";
import type { Broker, BrokerListener } from "../storage/broker.js";
import { commandTimeout, withDeadline } from "./deadline.js";

/** Options of {@link RedisBroker}. */
export interface RedisBrokerOptions {
  /**
   * Prefix of every channel name.
   * @default "botwire:"
   */
  prefix?: string;
  /**
   * How long `publish`, `subscribe` or `unsubscribe` may wait for Redis before failing with
   * a `RedisTimeoutError` (a reply waits for its publication; a connecting client for its
   * subscription). `Infinity` turns the deadline off.
   * @default 2000
   */
  commandTimeoutMs?: number;
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
  private readonly timeoutMs: number;

  /**
   * @param pub - a client for publishing (may be shared with other uses)
   * @param sub - a dedicated client this broker puts into subscriber mode
   * @param options - channel prefix and command deadline
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
    this.timeoutMs = commandTimeout(options.commandTimeoutMs, "RedisBroker");
    sub.on("message", (channel: string, payload: string) => {
      const listeners = this.listeners.get(channel);
      if (listeners === undefined) return;
      for (const listener of listeners) listener(payload);
    });
  }

  /** Runs a command, failing with a `RedisTimeoutError` after `commandTimeoutMs`. */
  private timed<T>(method: string, command: Promise<T>): Promise<T> {
    return withDeadline(command, this.timeoutMs, `RedisBroker.${method}`);
  }

  async publish(channel: string, payload: string): Promise<void> {
    await this.timed("publish", this.pub.publish(this.prefix + channel, payload));
  }

  async subscribe(channel: string, listener: BrokerListener): Promise<void> {
    const name = this.prefix + channel;
    const listeners = this.listeners.get(name) ?? new Set<BrokerListener>();
    this.listeners.set(name, listeners);
    listeners.add(listener);
    if (listeners.size > 1) return;
    try {
      await this.timed("subscribe", this.sub.subscribe(name));
    } catch (error) {
      // Not subscribed (as far as we know): forget the listener, so the next subscribe of
      // this channel sends SUBSCRIBE again instead of trusting this one.
      listeners.delete(listener);
      if (listeners.size === 0 && this.listeners.get(name) === listeners) {
        this.listeners.delete(name);
      }
      throw error;
    }
  }

  async unsubscribe(channel: string, listener: BrokerListener): Promise<void> {
    const name = this.prefix + channel;
    const listeners = this.listeners.get(name);
    if (listeners === undefined) return;
    listeners.delete(listener);
    if (listeners.size > 0) return;
    this.listeners.delete(name);
    await this.timed("unsubscribe", this.sub.unsubscribe(name));
  }
}
