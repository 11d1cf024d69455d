/**
 * Resolves and checks the options of `session()` once, at registration.
 * @module
 */
import type { Context } from "../core/context.js";
import { ownerOf } from "../core/handshake.js";
import { assertStore, type Store } from "../storage/store.js";
import type { MaybePromise } from "../util/types.js";
import type { LeaseTiming } from "./lease.js";
import type { SessionOptions } from "./types.js";

/** @internal The options of `session()` with defaults applied. */
export interface ResolvedSessionOptions<S, C extends Context> {
  initial: () => S;
  store: Store | undefined;
  ttlMs: number | undefined;
  history: number;
  getKey: (ctx: C) => MaybePromise<string | undefined>;
  lock: LeaseTiming;
}

/**
 * The default session key: `user:<id>` for an authenticated user (so every device of a
 * user shares one session), else the protocol session id (stable across reconnects).
 * @param ctx - the update's context
 */
export function defaultSessionKey(ctx: Context): string {
  const owner = ownerOf(ctx.user);
  return owner === undefined ? ctx.sessionId : `user:${owner}`;
}

function positive(value: unknown, name: string, fallback: number | undefined): number | undefined {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`session(): ${name} must be a positive number, got ${String(value)}`);
  }
  return value;
}

/** @internal Validates `session()` options; throws TypeError/RangeError naming the option. */
export function resolveSessionOptions<S, C extends Context>(
  options: SessionOptions<S, C>,
): ResolvedSessionOptions<S, C> {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("session(options): options must be an object with an initial() function");
  }
  if (typeof options.initial !== "function") {
    throw new TypeError("session(): initial must be a function that returns a new session's data");
  }
  if (options.store !== undefined) assertStore(options.store, "session(): store");
  const history = options.history ?? 0;
  if (!Number.isInteger(history) || history < 0) {
    throw new RangeError(`session(): history must be a whole number of turns ≥ 0, got ${history}`);
  }
  if (options.getKey !== undefined && typeof options.getKey !== "function") {
    throw new TypeError("session(): getKey must be a function (ctx) => string | undefined");
  }
  const leaseMs = positive(options.lock?.leaseMs, "lock.leaseMs", 10_000) as number;
  if (leaseMs < 30) throw new RangeError("session(): lock.leaseMs must be at least 30 ms");
  return {
    initial: options.initial,
    store: options.store,
    ttlMs: positive(options.ttlMs, "ttlMs", undefined),
    history,
    getKey: options.getKey ?? defaultSessionKey,
    lock: { leaseMs, waitMs: positive(options.lock?.waitMs, "lock.waitMs", 30_000) as number },
  };
}
