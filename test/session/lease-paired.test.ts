import { afterEach, describe, expect, it, vi } from "vitest";
import { acquireLease } from "../../src/session/lease.js";
import type { LockedRead, SessionStore } from "../../src/storage/store.js";
import { scriptedStore } from "./scripted-store.js";

// The lease with a store that pairs its calls (`lockAndRead`, `compareAndSetUnlock`): the
// read goes with the first attempt only, and a failed paired write still lets go of the
// lease. A scripted store: no real time, no Redis.

function pairedStore(answers: Array<LockedRead | undefined>, locks: Array<string | undefined>) {
  return {
    ...scriptedStore(locks),
    lockAndRead: vi.fn((_key: string, _ttlMs: number) => answers.shift()),
    compareAndSetUnlock: vi.fn(
      (
        _key: string,
        _v: unknown,
        _version: string | undefined,
        _ttl: number | undefined,
        _t: string,
      ) => Promise.resolve(true),
    ),
  } satisfies SessionStore;
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("acquireLease with paired calls", () => {
  it("takes the lease with the read, and carries what was read", async () => {
    const read = { value: { n: 1 }, version: "v1" };
    const store = pairedStore([{ token: "t1", read }], []);
    const lease = await acquireLease(store, "k", { leaseMs: 300, waitMs: 1000 });
    expect(lease.read).toEqual({ value: read });
    expect(store.lock).not.toHaveBeenCalled();
    expect(await lease.writeAndRelease?.({ n: 2 }, "v1", undefined)).toBe(true);
    expect(store.compareAndSetUnlock).toHaveBeenCalledWith("k", { n: 2 }, "v1", undefined, "t1");
    // Released by the paired write: release() does not unlock a second time.
    await lease.release();
    expect(store.unlock).not.toHaveBeenCalled();
  });

  it("reads with the first attempt only: a retry under contention takes the lease alone", async () => {
    vi.useFakeTimers();
    const store = pairedStore([undefined], [undefined, "t2"]);
    const acquiring = acquireLease(store, "k", { leaseMs: 300, waitMs: 10_000 });
    await vi.advanceTimersByTimeAsync(50);
    const lease = await acquiring;
    expect(store.lockAndRead).toHaveBeenCalledTimes(1);
    expect(store.lock).toHaveBeenCalledTimes(2);
    // Nothing was read with this lease: the caller reads it.
    expect(lease.read).toBeUndefined();
    await lease.release();
    expect(store.unlock).toHaveBeenCalledWith("k", "t2");
  });

  it("a lease released twice unlocks once", async () => {
    const store = pairedStore([{ token: "t1", read: undefined }], []);
    const lease = await acquireLease(store, "k", { leaseMs: 300, waitMs: 1000 });
    await lease.release();
    await lease.release();
    expect(store.unlock).toHaveBeenCalledTimes(1);
  });

  it("a paired write that fails leaves the lease to release(), which unlocks it", async () => {
    const store = pairedStore([{ token: "t1", read: undefined }], []);
    store.compareAndSetUnlock.mockImplementation(() => Promise.reject(new Error("Redis down")));
    const lease = await acquireLease(store, "k", { leaseMs: 300, waitMs: 1000 });
    await expect(lease.writeAndRelease?.({ n: 1 }, undefined, undefined)).rejects.toThrow(
      "Redis down",
    );
    await lease.release();
    expect(store.unlock).toHaveBeenCalledWith("k", "t1");
  });
});
