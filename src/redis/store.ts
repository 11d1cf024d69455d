/**
 * RedisStore: the store of `session()`, `cache()` and `rateLimit()` in Redis, shared by
 * every process of a bot.
 * @module
 */
import type { Redis } from "ioredis";
import type { Ledger, LedgerFactory } from "../storage/ledger.js";
import type { LedgerLimits } from "../storage/ledger-limits.js";
import type { AtomicStore, Counter, SessionStore, Versioned } from "../storage/store.js";
import { randomId } from "../util/id.js";
import { RedisLedger } from "./ledger.js";
import { COMPARE_AND_SET, INCREMENT, RENEW, SET, UNLOCK } from "./store-scripts.js";

/** Options of {@link RedisStore}. */
export interface RedisStoreOptions {
  /**
   * Prefix of every key. Values live under `<prefix>kv:<key>` (a hash with the JSON and
   * its version), locks under `<prefix>lock:<key>`.
   * @default "botwire:"
   */
  prefix?: string;
  /**
   * For the ledger this store makes when given to `new Bot({ store })`: how long a claim on
   * a client message id holds unless renewed (see `RedisLedgerOptions.claimLeaseMs`).
   * @default 10000
   */
  claimLeaseMs?: number;
}

function ttlArg(ttlMs: number | undefined, method: string): string {
  if (ttlMs === undefined) return "";
  if (typeof ttlMs !== "number" || !Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new RangeError(`RedisStore.${method}: ttlMs must be a positive number, got ${ttlMs}`);
  }
  return String(Math.ceil(ttlMs));
}

function encode(value: unknown, method: string): string {
  const json = JSON.stringify(value);
  if (json === undefined) {
    throw new TypeError(`RedisStore.${method}: the value must be JSON-serialisable`);
  }
  return json;
}

/**
 * A store in Redis (ioredis client): JSON values, per-key expiry, a key prefix, and
 * atomic increment, compare-and-set and leased locks in Lua, so several bot processes can
 * share sessions without losing a write. Commands fail (and the update gets an `internal`
 * error frame) while Redis is unreachable; configure the client to fail fast, e.g.
 * `new Redis({ maxRetriesPerRequest: 1 })`, rather than queue for long.
 *
 * @example
 * ```ts
 * import { Redis } from "ioredis";
 * import { Bot, session } from "botwire";
 * import { RedisStore } from "botwire/redis";
 *
 * const bot = new Bot({ store: new RedisStore(new Redis(), { prefix: "mybot:" }) });
 * bot.use(session({ initial: () => ({ count: 0 }), ttlMs: 7 * 24 * 3600_000 }));
 * ```
 */
export class RedisStore implements AtomicStore, SessionStore, LedgerFactory {
  private readonly prefix: string;
  private readonly claimLeaseMs: number | undefined;

  /**
   * @param redis - an ioredis client (not in subscriber mode); the store does not close it
   * @param options - see {@link RedisStoreOptions}
   */
  constructor(
    private readonly redis: Redis,
    options: RedisStoreOptions = {},
  ) {
    if (typeof redis !== "object" || redis === null || typeof redis.eval !== "function") {
      throw new TypeError("new RedisStore(redis): redis must be an ioredis client");
    }
    const prefix = options.prefix ?? "botwire:";
    if (typeof prefix !== "string")
      throw new TypeError("RedisStore: options.prefix must be a string");
    this.prefix = prefix;
    const lease = options.claimLeaseMs;
    if (lease !== undefined && !(Number.isInteger(lease) && lease > 0)) {
      throw new RangeError(
        `RedisStore: options.claimLeaseMs must be a positive whole number of ms, got ${lease}`,
      );
    }
    this.claimLeaseMs = lease;
  }

  /**
   * A {@link RedisLedger} on the same client and prefix. `new Bot({ store })` calls this,
   * so protocol state (outbox, dedup ids, rooms) is shared by every node too.
   * @param limits - the bot's limits (outbox size, dedup window, session TTL)
   */
  createLedger(limits: LedgerLimits): Ledger {
    return new RedisLedger(this.redis, {
      prefix: this.prefix,
      limits,
      ...(this.claimLeaseMs !== undefined && { claimLeaseMs: this.claimLeaseMs }),
    });
  }

  private kv(key: string): string {
    return `${this.prefix}kv:${key}`;
  }

  private lockKey(key: string): string {
    return `${this.prefix}lock:${key}`;
  }

  /** Reads the value under `key`. */
  async get(key: string): Promise<unknown> {
    const json = await this.redis.hget(this.kv(key), "d");
    return json === null ? undefined : JSON.parse(json);
  }

  /** Writes `value` as JSON; it expires after `ttlMs` (omitted: never). */
  async set(key: string, value: unknown, ttlMs?: number): Promise<void> {
    const ttl = ttlArg(ttlMs, "set");
    await this.redis.eval(SET, 1, this.kv(key), encode(value, "set"), randomId(12), ttl);
  }

  /** Deletes `key`. */
  async delete(key: string): Promise<void> {
    await this.redis.del(this.kv(key));
  }

  /** Atomically adds `by` to the counter under `key` (fixed window of `ttlMs`). */
  async increment(key: string, by: number, ttlMs: number): Promise<Counter> {
    const ttl = ttlArg(ttlMs, "increment");
    if (typeof by !== "number" || !Number.isFinite(by)) {
      throw new TypeError(`RedisStore.increment: by must be a finite number, got ${by}`);
    }
    const [count, left] = (await this.redis.eval(
      INCREMENT,
      1,
      this.kv(key),
      String(by),
      ttl,
      randomId(12),
    )) as [string, number];
    return { count: Number(count), ttlMs: Number(left) };
  }

  /** Reads the value under `key` with its version. */
  async getVersioned(key: string): Promise<Versioned | undefined> {
    const [json, version] = await this.redis.hmget(this.kv(key), "d", "v");
    if (json === null || json === undefined) return undefined;
    return { value: JSON.parse(json), version: version ?? "" };
  }

  /** Writes only if the version under `key` is still `version` (`undefined`: absent). */
  async compareAndSet(
    key: string,
    value: unknown,
    version: string | undefined,
    ttlMs?: number,
  ): Promise<boolean> {
    const ttl = ttlArg(ttlMs, "compareAndSet");
    const json = encode(value, "compareAndSet");
    const args = [json, randomId(12), ttl, version ?? ""];
    return (await this.redis.eval(COMPARE_AND_SET, 1, this.kv(key), ...args)) === 1;
  }

  /** Takes the lease on `key` (SET NX PX) and resolves with its token, or `undefined`. */
  async lock(key: string, ttlMs: number): Promise<string | undefined> {
    const ttl = ttlArg(ttlMs, "lock");
    const token = randomId(16);
    const ok = await this.redis.set(this.lockKey(key), token, "PX", Number(ttl), "NX");
    return ok === "OK" ? token : undefined;
  }

  /** Extends the lease on `key` if `token` still holds it. */
  async renewLock(key: string, token: string, ttlMs: number): Promise<boolean> {
    const ttl = ttlArg(ttlMs, "renewLock");
    return (await this.redis.eval(RENEW, 1, this.lockKey(key), token, ttl)) === 1;
  }

  /** Releases the lease on `key` if `token` holds it. */
  async unlock(key: string, token: string): Promise<void> {
    await this.redis.eval(UNLOCK, 1, this.lockKey(key), token);
  }
}
