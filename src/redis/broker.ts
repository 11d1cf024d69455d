/**
 * RedisBroker: the message bus between a bot's nodes, on Redis pub/sub — sharded pub/sub
 * (SPUBLISH/SSUBSCRIBE) on a Redis Cluster, classic pub/sub on a single Redis.
 * @module
 */
import type { Broker, BrokerListener } from "../storage/broker.js";
import { commandTimeout, withDeadline } from "./deadline.js";
import { isCluster, type RedisClient } from "./keys.js";
import { whenReady } from "./ready.js";

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
 * A {@link Broker} on Redis pub/sub.
 *
 * - On a single Redis (an ioredis `Redis`): classic PUBLISH/SUBSCRIBE. Needs two
 *   connections: one to publish, one that becomes a subscriber (Redis forbids other
 *   commands on a subscribed connection).
 * - On a Redis Cluster (an ioredis `Cluster`): sharded pub/sub, SPUBLISH/SSUBSCRIBE (Redis
 *   7, ioredis' `shardedSubscribers: true`). A channel lives on the master of its slot
 *   only, so a publication goes to that shard and its subscribers instead of being copied
 *   to every node of the cluster, as classic PUBLISH is. The subscribing `Cluster` keeps
 *   one subscriber connection per master of its own, so publisher and subscriber may be
 *   the same `Cluster`.
 *
 * @example
 * ```ts
 * const redis = new Redis();
 * const broker = new RedisBroker(redis, redis.duplicate());
 * // On a cluster:
 * const cluster = new Cluster([{ host: "10.0.0.1", port: 6379 }], { shardedSubscribers: true });
 * const sharded = new RedisBroker(cluster, cluster);
 * ```
 */
export class RedisBroker implements Broker {
  private readonly prefix: string;
  private readonly listeners = new Map<string, Set<BrokerListener>>();
  private readonly timeoutMs: number;
  /** Sharded pub/sub (on a Cluster) rather than classic. */
  private readonly sharded: boolean;

  /**
   * @param pub - a client for publishing (may be shared with other uses)
   * @param sub - a single Redis: a dedicated client this broker puts into subscriber mode;
   *   a Cluster: one made with `shardedSubscribers: true` (may be `pub` itself)
   * @param options - channel prefix and command deadline
   */
  constructor(
    private readonly pub: RedisClient,
    private readonly sub: RedisClient,
    options: RedisBrokerOptions = {},
  ) {
    this.sharded = isCluster(sub);
    if (isCluster(pub) !== this.sharded) {
      throw new TypeError("RedisBroker: pass two Cluster clients or two Redis clients, not a mix");
    }
    if (isCluster(sub) && sub.options.shardedSubscribers !== true) {
      throw new TypeError(
        "RedisBroker: the subscribing Cluster needs `shardedSubscribers: true` (new Cluster(nodes, { shardedSubscribers: true }))",
      );
    }
    if (!this.sharded && pub === sub) {
      throw new TypeError(
        "RedisBroker: pass two different clients (e.g. redis and redis.duplicate())",
      );
    }
    this.prefix = options.prefix ?? "botwire:";
    this.timeoutMs = commandTimeout(options.commandTimeoutMs, "RedisBroker");
    sub.on(this.sharded ? "smessage" : "message", (channel: string, payload: string) => {
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
    const name = this.prefix + channel;
    const published = this.sharded
      ? this.pub.spublish(name, payload)
      : this.pub.publish(name, payload);
    await this.timed("publish", published);
  }

  async subscribe(channel: string, listener: BrokerListener): Promise<void> {
    const name = this.prefix + channel;
    const listeners = this.listeners.get(name) ?? new Set<BrokerListener>();
    this.listeners.set(name, listeners);
    listeners.add(listener);
    if (listeners.size > 1) return;
    try {
      // A node may start before its subscriber has connected: wait for it, within the deadline.
      const subscribed = whenReady(this.sub).then(() => {
        // Not after the deadline: a channel nobody listens to any more is not subscribed.
        if (this.listeners.get(name) !== listeners || listeners.size === 0) return undefined;
        return this.sharded ? this.sub.ssubscribe(name) : this.sub.subscribe(name);
      });
      await this.timed("subscribe", subscribed);
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
    const unsubscribed = this.sharded ? this.sub.sunsubscribe(name) : this.sub.unsubscribe(name);
    await this.timed("unsubscribe", unsubscribed);
  }
}
