/**
 * RedisStore: the store of `session()`, `cache()` and `rateLimit()` in Redis, shared by
 * every process of a bot.
 * @module
 */
import type { Ledger, LedgerFactory } from "../storage/ledger.js";
import type { LedgerLimits } from "../storage/ledger-limits.js";
import type {
  AtomicStore,
  Counter,
  LockedRead,
  SessionStore,
  Versioned,
} from "../storage/store.js";
import { randomId } from "../util/id.js";
import { commandTimeout, RedisTimeoutError, withDeadline } from "./deadline.js";
import type { RedisClient } from "./keys.js";
import { RedisLedger } from "./ledger.js";
import {
  canPipeline,
  compareAndSetUnlockPipelined,
  lockAndReadPipelined,
} from "./store-pipelined.js";
import { COMPARE_AND_SET, INCREMENT, RENEW, SET, UNLOCK } from "./store-scripts.js";

/** Options of {@link RedisStore}. */
export interface RedisStoreOptions {
  /**
   * Prefix of every key. Values live under `<prefix>kv:<key>` (a hash with the JSON and
   * its version), locks under `<prefix>lock:<key>`. On a Redis Cluster each key goes to the
   * slot of its whole name, or of the first `{…}` in it: keep braces out of the prefix (and
   * out of the ledger's, which is the same when the store makes the ledger).
   * @default "botwire:"
   */
  prefix?: string;
  /**
   * For the ledger this store makes when given to `new Bot({ store })`: how long a claim on
   * a client message id holds unless renewed (see `RedisLedgerOptions.claimLeaseMs`).
   * @default 10000
   */
  claimLeaseMs?: number;
  /**
   * How long one operation (`get`, `set`, `compareAndSet`, `lock`, …) may wait for Redis
   * before it fails with a `RedisTimeoutError`, so the message gets an `internal` error frame
   * instead of no answer while Redis is frozen or unreachable. Also the deadline of the ledger
   * this store makes. `Infinity` turns the deadline off.
   * @default 2000
   */
  commandTimeoutMs?: number;
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
 * share sessions without losing a write. Runs on a single Redis or a Redis Cluster: each
 * operation, script and lock touches one key, so one slot. While Redis is unreachable or
 * frozen, each operation fails after at most `commandTimeoutMs` (2 s) and the message gets
 * an `internal` error frame; give the client `enableOfflineQueue: false` so commands fail at
 * once instead of queueing for later (see docs/scaling.md).
 *
 * @example
 * ```ts
 * import { Redis } from "ioredis";
 * import { Bot, session } from "botwire";
 * import { RedisStore } from "botwire/redis";
 *
 * const redis = new Redis({ enableOfflineQueue: false, maxRetriesPerRequest: 1 });
 * const bot = new Bot({ store: new RedisStore(redis, { prefix: "mybot:" }) });
 * bot.use(session({ initial: () => ({ count: 0 }), ttlMs: 7 * 24 * 3600_000 }));
 * ```
 */
export class RedisStore implements AtomicStore, SessionStore, LedgerFactory {
  private readonly prefix: string;
  private readonly claimLeaseMs: number | undefined;
  private readonly timeoutMs: number;

  /**
   * @param redis - an ioredis `Redis` or `Cluster` (not in subscriber mode); the store does
   *   not close it
   * @param options - see {@link RedisStoreOptions}
   */
  constructor(
    private readonly redis: RedisClient,
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
    this.timeoutMs = commandTimeout(options.commandTimeoutMs, "RedisStore");
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
      commandTimeoutMs: this.timeoutMs,
      ...(this.claimLeaseMs !== undefined && { claimLeaseMs: this.claimLeaseMs }),
    });
  }

  private kv(key: string): string {
    return `${this.prefix}kv:${key}`;
  }

  private lockKey(key: string): string {
    return `${this.prefix}lock:${key}`;
  }

  /** Runs a command, failing with a `RedisTimeoutError` after `commandTimeoutMs`. */
  private timed<T>(method: string, command: Promise<T>): Promise<T> {
    return withDeadline(command, this.timeoutMs, `RedisStore.${method}`);
  }

  /** Reads the value under `key`. */
  async get(key: string): Promise<unknown> {
    const json = await this.timed("get", this.redis.hget(this.kv(key), "d"));
    return json === null ? undefined : JSON.parse(json);
  }

  /** Writes `value` as JSON; it expires after `ttlMs` (omitted: never). */
  async set(key: string, value: unknown, ttlMs?: number): Promise<void> {
    const ttl = ttlArg(ttlMs, "set");
    const json = encode(value, "set");
    await this.timed("set", this.redis.eval(SET, 1, this.kv(key), json, randomId(12), ttl));
  }

  /** Deletes `key`. */
  async delete(key: string): Promise<void> {
    await this.timed("delete", this.redis.del(this.kv(key)));
  }

  /** Atomically adds `by` to the counter under `key` (fixed window of `ttlMs`). */
  async increment(key: string, by: number, ttlMs: number): Promise<Counter> {
    const ttl = ttlArg(ttlMs, "increment");
    if (typeof by !== "number" || !Number.isFinite(by)) {
      throw new TypeError(`RedisStore.increment: by must be a finite number, got ${by}`);
    }
    const [count, left] = (await this.timed(
      "increment",
      this.redis.eval(INCREMENT, 1, this.kv(key), String(by), ttl, randomId(12)),
    )) as [string, number];
    return { count: Number(count), ttlMs: Number(left) };
  }

  /** Reads the value under `key` with its version. */
  async getVersioned(key: string): Promise<Versioned | undefined> {
    const [json, version] = await this.timed(
      "getVersioned",
      this.redis.hmget(this.kv(key), "d", "v"),
    );
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
    const written = this.redis.eval(COMPARE_AND_SET, 1, this.kv(key), ...args);
    return (await this.timed("compareAndSet", written)) === 1;
  }

  /** Takes the lease on `key` (SET NX PX) and resolves with its token, or `undefined`. */
  async lock(key: string, ttlMs: number): Promise<string | undefined> {
    const ttl = ttlArg(ttlMs, "lock");
    const token = randomId(16);
    const taken = this.redis.set(this.lockKey(key), token, "PX", Number(ttl), "NX");
    try {
      return (await this.timed("lock", taken)) === "OK" ? token : undefined;
    } catch (error) {
      // Redis may still take the lock later: release it then (the unlock runs after the
      // lock on the same connection), so the key is not locked for a whole lease.
      if (error instanceof RedisTimeoutError) this.unlock(key, token).catch(() => undefined);
      throw error;
    }
  }

  /** Extends the lease on `key` if `token` still holds it. */
  async renewLock(key: string, token: string, ttlMs: number): Promise<boolean> {
    const ttl = ttlArg(ttlMs, "renewLock");
    const renewed = this.redis.eval(RENEW, 1, this.lockKey(key), token, ttl);
    return (await this.timed("renewLock", renewed)) === 1;
  }

  /** Releases the lease on `key` if `token` holds it. */
  async unlock(key: string, token: string): Promise<void> {
    await this.timed("unlock", this.redis.eval(UNLOCK, 1, this.lockKey(key), token));
  }

  /**
   * Takes the lease on `key` and reads its value once the lease is held: one round trip on
   * a single Redis (a pipeline), two on a Cluster. `undefined`: another holder has it.
   */
  async lockAndRead(key: string, ttlMs: number): Promise<LockedRead | undefined> {
    const ttl = ttlArg(ttlMs, "lockAndRead");
    const pipelined = canPipeline(this.redis);
    const token = pipelined ? randomId(16) : await this.lock(key, ttlMs);
    if (token === undefined) return undefined;
    try {
      if (!pipelined) return { token, read: await this.getVersioned(key) };
      const keys = { kv: this.kv(key), lock: this.lockKey(key) };
      return await lockAndReadPipelined(this.redis, keys, token, ttl, (command) =>
        this.timed("lockAndRead", command),
      );
    } catch (error) {
      // The lease may be held (or taken after a deadline) while the caller gets no token:
      // the read failed, the value was not JSON, the pipeline timed out. Release it (the
      // unlock runs after the lock on the same connection, and only with this token).
      this.unlock(key, token).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Compare-and-set, then releases the lease held with `token` whether or not it wrote: one
   * round trip on a single Redis (a pipeline), two on a Cluster.
   */
  async compareAndSetUnlock(
    key: string,
    value: unknown,
    version: string | undefined,
    ttlMs: number | undefined,
    token: string,
  ): Promise<boolean> {
    if (!canPipeline(this.redis)) {
      try {
        return await this.compareAndSet(key, value, version, ttlMs);
      } finally {
        await this.unlock(key, token).catch(() => undefined);
      }
    }
    const ttl = ttlArg(ttlMs, "compareAndSetUnlock");
    const json = encode(value, "compareAndSetUnlock");
    const keys = { kv: this.kv(key), lock: this.lockKey(key) };
    const args = { json, newVersion: randomId(12), ttl, version: version ?? "", token };
    const scripts = { compareAndSet: COMPARE_AND_SET, unlock: UNLOCK };
    return compareAndSetUnlockPipelined(this.redis, keys, scripts, args, (command) =>
      this.timed("compareAndSetUnlock", command),
    );
  }
}
