/**
 * The session lease with one round trip fewer on each side of an update: take the lease and
 * read the value, and later write the value and let go of the lease, each pair sent together.
 * On one Redis (or one Sentinel-managed master) both commands go in one pipeline on one
 * connection, so Redis runs them in order: the read happens after the lease is taken, the
 * release after the write. On a Redis Cluster the value and the lock sit in different slots
 * (maybe different masters, with no order between them), so there the pair runs one command
 * after the other, as before.
 * @module
 */
import type { LockedRead, Versioned } from "../storage/store.js";
import { isCluster, type RedisClient } from "./keys.js";

/** The keys one pair touches. */
export interface PairKeys {
  /** The value's hash (`d`: JSON, `v`: version). */
  kv: string;
  /** The lease's key. */
  lock: string;
}

/** Whether the pairs can go in one pipeline on this client (not on a Cluster). */
export function canPipeline(redis: RedisClient): boolean {
  return !isCluster(redis);
}

/** `[error, result]` of each command of an ioredis pipeline. */
type Results = Array<[Error | null, unknown]> | null;

function resultOf(results: Results, index: number): unknown {
  const entry = results?.[index];
  if (entry === undefined) throw new Error("RedisStore: a pipeline returned no result");
  if (entry[0] !== null) throw entry[0];
  return entry[1];
}

/** SET NX PX then HMGET, in one pipeline; the read counts only if the lease was taken. */
export async function lockAndReadPipelined(
  redis: RedisClient,
  keys: PairKeys,
  token: string,
  ttl: string,
  deadline: <T>(command: Promise<T>) => Promise<T>,
): Promise<LockedRead | undefined> {
  const pipeline = redis.pipeline().set(keys.lock, token, "PX", Number(ttl), "NX");
  pipeline.hmget(keys.kv, "d", "v");
  const results = (await deadline(pipeline.exec())) as Results;
  if (resultOf(results, 0) !== "OK") return undefined;
  const [json, version] = resultOf(results, 1) as [string | null, string | null];
  const read: Versioned | undefined =
    json === null || json === undefined
      ? undefined
      : { value: JSON.parse(json), version: version ?? "" };
  return { token, read };
}

/** The compare-and-set script then the unlock script, in one pipeline. */
export async function compareAndSetUnlockPipelined(
  redis: RedisClient,
  keys: PairKeys,
  scripts: { compareAndSet: string; unlock: string },
  args: { json: string; newVersion: string; ttl: string; version: string; token: string },
  deadline: <T>(command: Promise<T>) => Promise<T>,
): Promise<boolean> {
  const pipeline = redis.pipeline();
  pipeline.eval(
    scripts.compareAndSet,
    1,
    keys.kv,
    args.json,
    args.newVersion,
    args.ttl,
    args.version,
  );
  pipeline.eval(scripts.unlock, 1, keys.lock, args.token);
  const results = (await deadline(pipeline.exec())) as Results;
  // The release is best effort, as `unlock` is: a lease that stays expires by itself.
  return resultOf(results, 0) === 1;
}
