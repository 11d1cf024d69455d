/**
 * A held cross-process lock: acquired with backoff, renewed while held, released at the end.
 * With a store that pairs its calls (`lockAndRead`, `compareAndSetUnlock`), the lease also
 * carries what was read when it was taken, and can write and let go in one step.
 * @module
 */

import type { SessionStore, Versioned } from "../storage/store.js";
import { SessionLockTimeoutError } from "./errors.js";

/** @internal Timing of the cross-process session lock. */
export interface LeaseTiming {
  /** How long a lease lasts unless renewed (renewed every third of it while held). */
  leaseMs: number;
  /** How long to wait for another holder before failing the update. */
  waitMs: number;
}

/** @internal A lease held on a key. */
export interface Lease {
  /**
   * The value read once the lease was held, when the store read it with the lease
   * (`lockAndRead`); `undefined` otherwise (read it yourself).
   */
  readonly read: { value: Versioned | undefined } | undefined;
  /**
   * Writes `value` if the version is still `version`, and releases the lease, in one step
   * where the store can (`compareAndSetUnlock`); `undefined` when it cannot. Resolves with
   * whether it wrote; the lease is released either way.
   */
  readonly writeAndRelease:
    | ((value: unknown, version: string | undefined, ttlMs: number | undefined) => Promise<boolean>)
    | undefined;
  /** Releases the lease (best effort: if the store is down, it expires on its own). */
  release(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** @internal Takes the lock on `key`, polling with capped exponential backoff and jitter. */
export async function acquireLease(
  store: SessionStore,
  key: string,
  timing: LeaseTiming,
): Promise<Lease> {
  const deadline = Date.now() + timing.waitMs;
  let delay = 2;
  // The read goes with the first attempt only: under contention a retry would fetch the
  // value just to drop it; after a refusal the lease is taken alone and read afterwards.
  let lockAndRead = store.lockAndRead?.bind(store);
  for (;;) {
    if (lockAndRead !== undefined) {
      const locked = await lockAndRead(key, timing.leaseMs);
      if (locked !== undefined) {
        return hold(store, key, locked.token, timing.leaseMs, { value: locked.read });
      }
    } else {
      const token = await store.lock(key, timing.leaseMs);
      if (token !== undefined) return hold(store, key, token, timing.leaseMs, undefined);
    }
    lockAndRead = undefined;
    // Stryker disable next-line EqualityOperator: equivalent as `>` — gives up 1 ms later
    if (Date.now() >= deadline) throw new SessionLockTimeoutError(timing.waitMs);
    await sleep(delay / 2 + Math.random() * delay);
    delay = Math.min(delay * 2, 50);
  }
}

function hold(
  store: SessionStore,
  key: string,
  token: string,
  leaseMs: number,
  read: Lease["read"],
): Lease {
  // Renew well before expiry so a slow handler keeps its lease. If renewal fails (store
  // down, process stalled), the lease may lapse; the versioned write then fences us off.
  const timer = setInterval(() => {
    Promise.resolve(store.renewLock(key, token, leaseMs)).catch(() => undefined);
  }, leaseMs / 3);
  (timer as { unref?: () => void }).unref?.();
  let held = true;
  const pair = store.compareAndSetUnlock;
  return {
    read,
    writeAndRelease:
      pair === undefined
        ? undefined
        : async (value, version, ttlMs) => {
            clearInterval(timer);
            const written = await pair.call(store, key, value, version, ttlMs, token);
            // Only now: if the call failed before it let go, `release()` still unlocks
            // (with this token, so a second unlock of a released lease does nothing).
            held = false;
            return written;
          },
    async release() {
      clearInterval(timer);
      if (!held) return;
      held = false;
      try {
        await store.unlock(key, token);
      } catch {
        // The store is unreachable: the lease expires after leaseMs by itself.
      }
    },
  };
}
