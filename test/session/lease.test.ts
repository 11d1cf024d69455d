import { afterEach, describe, expect, it, vi } from "vitest";
import { SessionLockTimeoutError } from "../../src/session/errors.js";
import { acquireLease } from "../../src/session/lease.js";
import { scriptedStore } from "./scripted-store.js";

// The cross-process session lock, on a scripted store and a fake clock: no test here waits
// for real time, so a busy machine cannot change an outcome.

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("acquireLease", () => {
  it("takes a free lock at once, for leaseMs", async () => {
    const store = scriptedStore(["token-1"]);
    const lease = await acquireLease(store, "k", { leaseMs: 300, waitMs: 1000 });
    expect(store.lock).toHaveBeenCalledTimes(1);
    expect(store.lock).toHaveBeenCalledWith("k", 300);
    await lease.release();
    expect(store.unlock).toHaveBeenCalledWith("k", "token-1");
  });

  it("renews every third of leaseMs while held, and stops when released", async () => {
    vi.useFakeTimers();
    const store = scriptedStore(["token-1"]);
    const lease = await acquireLease(store, "k", { leaseMs: 300, waitMs: 1000 });
    vi.advanceTimersByTime(99);
    expect(store.renewLock).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(store.renewLock).toHaveBeenCalledTimes(1);
    expect(store.renewLock).toHaveBeenCalledWith("k", "token-1", 300);
    vi.advanceTimersByTime(200);
    expect(store.renewLock).toHaveBeenCalledTimes(3);
    await lease.release();
    vi.advanceTimersByTime(1000);
    expect(store.renewLock).toHaveBeenCalledTimes(3);
  });

  it("keeps renewing when a renewal fails (the versioned write fences a lapsed lease)", async () => {
    vi.useFakeTimers();
    // A plain function, not vi.fn(): a spy handles the promises it returns itself.
    let renewals = 0;
    const store = {
      ...scriptedStore(["token-1"]),
      renewLock: () => {
        renewals++;
        return Promise.reject(new Error("store down"));
      },
    };
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const lease = await acquireLease(store, "k", { leaseMs: 30, waitMs: 1000 });
      await vi.advanceTimersByTimeAsync(30);
      expect(renewals).toBe(3);
      await lease.release();
      vi.useRealTimers();
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it("waits for another holder with growing, capped backoff, then takes the lock", async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, "random").mockReturnValue(0.5); // sleeps exactly the current delay
    const store = scriptedStore([undefined, undefined, undefined, "token-2"]);
    let lease: Awaited<ReturnType<typeof acquireLease>> | undefined;
    void acquireLease(store, "k", { leaseMs: 300, waitMs: 10_000 }).then((l) => {
      lease = l;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(store.lock).toHaveBeenCalledTimes(1);
    // Delays 2, 4, 8 ms (delay/2 + 0.5 × delay = delay).
    await vi.advanceTimersByTimeAsync(1);
    expect(store.lock).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(store.lock).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(3);
    expect(store.lock).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(store.lock).toHaveBeenCalledTimes(3);
    await vi.advanceTimersByTimeAsync(8);
    expect(store.lock).toHaveBeenCalledTimes(4);
    expect(lease).toBeDefined();
    await lease?.release();
    expect(store.unlock).toHaveBeenCalledWith("k", "token-2");
  });

  it("caps the backoff at 50 ms", async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, "random").mockReturnValue(0.5);
    const answers: Array<string | undefined> = Array(12).fill(undefined);
    const store = scriptedStore(answers);
    void acquireLease(store, "k", { leaseMs: 300, waitMs: 100_000 }).catch(() => undefined);
    // 2 + 4 + 8 + 16 + 32 = 62 ms for the first six attempts, then one every 50 ms.
    await vi.advanceTimersByTimeAsync(62);
    expect(store.lock).toHaveBeenCalledTimes(6);
    await vi.advanceTimersByTimeAsync(49);
    expect(store.lock).toHaveBeenCalledTimes(6);
    await vi.advanceTimersByTimeAsync(1);
    expect(store.lock).toHaveBeenCalledTimes(7);
    await vi.advanceTimersByTimeAsync(50);
    expect(store.lock).toHaveBeenCalledTimes(8);
  });

  it("fails with SessionLockTimeoutError once waitMs has passed", async () => {
    vi.useFakeTimers();
    const store = scriptedStore(Array(1000).fill(undefined));
    const failed = acquireLease(store, "k", { leaseMs: 300, waitMs: 200 }).then(
      () => undefined,
      (error: unknown) => error,
    );
    await vi.advanceTimersByTimeAsync(199);
    const calls = store.lock.mock.calls.length;
    // The attempt after the deadline comes at most one backoff (≤ 25 + 50 ms with jitter)
    // after it: advance past that, or a late attempt would leave `failed` waiting forever.
    await vi.advanceTimersByTimeAsync(80);
    const error = await failed;
    expect(error).toBeInstanceOf(SessionLockTimeoutError);
    expect((error as SessionLockTimeoutError).waitMs).toBe(200);
    expect((error as Error).message).toBe(
      "session(): another handler held this session's lock for more than 200 ms",
    );
    expect(calls).toBeGreaterThan(3);
    expect(store.lock.mock.calls.length).toBeLessThanOrEqual(calls + 2);
  });

  it("a release whose unlock fails does not throw (the lease expires by itself)", async () => {
    const store = scriptedStore(["token-1"]);
    store.unlock.mockImplementation(() => Promise.reject(new Error("store down")));
    const lease = await acquireLease(store, "k", { leaseMs: 300, waitMs: 1000 });
    await expect(lease.release()).resolves.toBeUndefined();
  });
});
