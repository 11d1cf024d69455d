/**
 * `botwire/redis`: Redis-backed state for bots that run on many nodes, on ioredis
 * (an optional peer dependency: `npm install ioredis`).
 *
 * - `RedisLedger`: protocol state (seq, outbox, dedup ids, rooms) shared by all nodes.
 * - `RedisBroker`: pub/sub between nodes for `sendTo`, `broadcast` and resume anywhere.
 * - `RedisStore`: the store of `session()`, `cache()` and `rateLimit()`, shared by all nodes.
 *
 * @example
 * ```ts
 * import { Redis } from "ioredis";
 * import { Bot } from "botwire";
 * import { RedisBroker, RedisLedger } from "botwire/redis";
 *
 * const redis = new Redis();
 * const bot = new Bot({ ledger: new RedisLedger(redis), broker: new RedisBroker(redis, redis.duplicate()) });
 * ```
 * @module botwire/redis
 */
export { RedisBroker, type RedisBrokerOptions } from "./broker.js";
export { RedisLedger, type RedisLedgerOptions } from "./ledger.js";
export { RedisStore, type RedisStoreOptions } from "./store.js";
