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
 * @module botwire/redis
 */
export { RedisBroker, type RedisBrokerOptions } from "./broker.js";
export { DEFAULT_COMMAND_TIMEOUT_MS, RedisTimeoutError } from "./deadline.js";
export { RedisLedger, type RedisLedgerOptions } from "./ledger.js";
export { RedisStore, type RedisStoreOptions } from "./store.js";
