/**
 * `botwire/redis`: Redis-backed state for bots that run on many nodes, on ioredis
 * (an optional peer dependency: `npm install ioredis`).
 *
 * - `RedisLedger`: protocol state (seq, outbox, dedup ids, rooms) shared by all nodes.
 * - `RedisBroker`: pub/sub between nodes for `sendTo`, `broadcast` and resume anywhere.
 * - `RedisStore`: the store of `session()`, `cache()` and `rateLimit()`, shared by all nodes.
 * - `RedisTimeoutError`: what an operation fails with when Redis does not answer within
 *   `commandTimeoutMs` (default 2000 ms); the client then gets an `internal` error frame.
 *
 * @example
 * ```ts
 * import { Redis } from "ioredis";
 * import { Bot } from "botwire";
 * import { RedisBroker, RedisStore } from "botwire/redis";
 *
 * // Fail at once while disconnected; every operation also has a 2 s deadline (commandTimeoutMs).
 * const redis = new Redis({ enableOfflineQueue: false, maxRetriesPerRequest: 1 });
 * // The store also keeps protocol state (a RedisLedger) and open streamed replies.
 * const bot = new Bot({ store: new RedisStore(redis), broker: new RedisBroker(redis, redis.duplicate()) });
 * ```
 *
 * On a Redis Cluster, pass an ioredis `Cluster` instead: every key of one session shares a
 * hash tag (one slot), and the broker uses sharded pub/sub.
 *
 * @example
 * ```ts
 * import { Cluster } from "ioredis";
 *
 * const cluster = new Cluster([{ host: "10.0.0.1", port: 6379 }, { host: "10.0.0.2", port: 6379 }], {
 *   shardedSubscribers: true, // SSUBSCRIBE on the master of each channel's slot
 *   enableOfflineQueue: false,
 *   redisOptions: { maxRetriesPerRequest: 1 },
 * });
 * await new Promise((ready) => cluster.once("ready", ready)); // slots loaded: serve now
 * const bot = new Bot({ store: new RedisStore(cluster), broker: new RedisBroker(cluster, cluster) });
 * ```
 * @module botwire/redis
 */
export { RedisBroker, type RedisBrokerOptions } from "./broker.js";
export { DEFAULT_COMMAND_TIMEOUT_MS, RedisTimeoutError } from "./deadline.js";
export type { RedisClient } from "./keys.js";
export { RedisLedger, type RedisLedgerOptions } from "./ledger.js";
export { RedisStore, type RedisStoreOptions } from "./store.js";
