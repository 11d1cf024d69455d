/**
 * The cases of the store conformance suite, as plain async functions that throw on failure.
 * @module
 */
import { randomId } from "../util/id.js";
import type { AtomicStore, SessionStore, Store } from "./store.js";
import { suiteAssert } from "./suite-assert.js";

const { same, eventually } = suiteAssert("store suite");
// Annotated, so TypeScript narrows after a call to it.
const fail: (message: string) => never = suiteAssert("store suite").fail;

const key = (name: string) => `suite:${randomId(6)}:${name}`;

export const basicCases = {
  "reads undefined for a missing key": async (store: Store) => {
    same(await store.get(key("missing")), undefined, "get(missing)");
  },
  "round-trips JSON values and overwrites": async (store: Store) => {
    const k = key("v");
    const value = { a: 1, b: "x", c: [true, null, { d: 2.5 }], e: "ünïcode ✓" };
    await store.set(k, value);
    same(await store.get(k), value, "get after set");
    for (const v of ["text", 0, false, null, [1, 2]]) {
      await store.set(k, v);
      same(await store.get(k), v, "get after overwrite");
    }
  },
  "returns copies: mutating what was written or read does not change the store": async (
    store: Store,
  ) => {
    const k = key("copy");
    const written = { list: [1] };
    await store.set(k, written);
    written.list.push(2);
    const read = (await store.get(k)) as { list: number[] };
    read.list.push(3);
    same(await store.get(k), { list: [1] }, "stored value");
  },
  "deletes, and deleting a missing key is not an error": async (store: Store) => {
    const k = key("del");
    await store.set(k, 1);
    await store.delete(k);
    same(await store.get(k), undefined, "get after delete");
    await store.delete(k);
  },
  "expires a value after ttlMs; a later set without ttlMs keeps it": async (store: Store) => {
    const short = key("short");
    const kept = key("kept");
    await store.set(short, "x", 30);
    await store.set(kept, "y", 30);
    await store.set(kept, "z");
    same(await store.get(short), "x", "value before expiry");
    await eventually(async () => (await store.get(short)) === undefined, "expiry");
    same(await store.get(kept), "z", "value whose ttl was cleared");
  },
} satisfies Record<string, (store: Store) => Promise<void>>;

export const atomicCases = {
  "increment starts at `by`, adds, and reports the window left": async (store: AtomicStore) => {
    const k = key("count");
    const first = await store.increment(k, 1, 60_000);
    same(first.count, 1, "first count");
    if (!(first.ttlMs > 0 && first.ttlMs <= 60_000)) fail(`ttlMs out of range: ${first.ttlMs}`);
    same((await store.increment(k, 2, 60_000)).count, 3, "second count");
    same(await store.get(k), 3, "get of a counter");
  },
  "increment is atomic under concurrent calls": async (store: AtomicStore) => {
    const k = key("race");
    const results = await Promise.all(
      Array.from({ length: 50 }, () => store.increment(k, 1, 60_000)),
    );
    const counts = results.map((r) => r.count).sort((a, b) => a - b);
    same(
      counts,
      Array.from({ length: 50 }, (_, i) => i + 1),
      "counts",
    );
  },
  "a counter restarts after its window": async (store: AtomicStore) => {
    const k = key("window");
    await store.increment(k, 5, 30);
    await eventually(async () => (await store.get(k)) === undefined, "window end");
    same((await store.increment(k, 1, 60_000)).count, 1, "count in the new window");
  },
} satisfies Record<string, (store: AtomicStore) => Promise<void>>;

export const lockingCases = {
  "versions change on every write and compare-and-set honours them": async (
    store: SessionStore,
  ) => {
    const k = key("cas");
    same(await store.getVersioned(k), undefined, "getVersioned(missing)");
    if (!(await store.compareAndSet(k, { n: 1 }, undefined))) fail("create-if-absent refused");
    if (await store.compareAndSet(k, { n: 9 }, undefined)) fail("create-if-absent overwrote");
    const v1 = await store.getVersioned(k);
    same(v1?.value, { n: 1 }, "value");
    if (typeof v1?.version !== "string") fail("version is not a string");
    await store.set(k, { n: 2 });
    if (await store.compareAndSet(k, { n: 9 }, v1.version)) fail("stale version accepted");
    const v2 = await store.getVersioned(k);
    if (!(await store.compareAndSet(k, { n: 3 }, v2?.version))) fail("current version refused");
    same(await store.get(k), { n: 3 }, "value after compare-and-set");
    // Delete and re-create: the old version must not become valid again (no ABA).
    const v3 = await store.getVersioned(k);
    await store.delete(k);
    await store.set(k, { n: 4 });
    if (await store.compareAndSet(k, { n: 9 }, v3?.version)) fail("version reused after delete");
  },
  "exactly one of many concurrent compare-and-sets wins": async (store: SessionStore) => {
    const k = key("cas-race");
    await store.set(k, 0);
    const base = await store.getVersioned(k);
    const wins = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.compareAndSet(k, i + 1, base?.version)),
    );
    same(wins.filter(Boolean).length, 1, "winners");
  },
  "a lock is exclusive, released only by its token, and separate from values": async (
    store: SessionStore,
  ) => {
    const k = key("lock");
    await store.set(k, "value");
    const tokens = await Promise.all(Array.from({ length: 20 }, () => store.lock(k, 60_000)));
    const held = tokens.filter((t): t is string => typeof t === "string");
    same(held.length, 1, "concurrent lock holders");
    same(await store.get(k), "value", "value under a locked key");
    const token = held[0] as string;
    await store.unlock(k, "not-the-token");
    same(await store.lock(k, 60_000), undefined, "lock after a foreign unlock");
    if (await store.renewLock(k, "not-the-token", 60_000)) fail("foreign renew accepted");
    if (!(await store.renewLock(k, token, 60_000))) fail("owner's renew refused");
    await store.unlock(k, token);
    const again = await store.lock(k, 60_000);
    if (typeof again !== "string") fail("lock not free after unlock");
    await store.unlock(k, again);
  },
  "a lease expires, and then its old token no longer renews it": async (store: SessionStore) => {
    const k = key("lease");
    const token = await store.lock(k, 30);
    if (typeof token !== "string") fail("lock refused");
    let next: string | undefined;
    await eventually(async () => {
      next = await store.lock(k, 60_000);
      return next !== undefined;
    }, "lease expiry");
    if (await store.renewLock(k, token, 60_000)) fail("expired token renewed a new lease");
    await store.unlock(k, next as string);
  },
  "lockAndRead and compareAndSetUnlock (when the store has them) lock, read, write, release":
    async (store: SessionStore) => {
      if (store.lockAndRead === undefined || store.compareAndSetUnlock === undefined) return;
      const k = key("paired");
      await store.set(k, { n: 1 });
      const first = await store.lockAndRead(k, 60_000);
      if (first === undefined) fail("lockAndRead refused a free key");
      same(first.read?.value, { n: 1 }, "value read with the lease");
      same(await store.lockAndRead(k, 60_000), undefined, "lockAndRead of a held key");
      same(await store.lock(k, 60_000), undefined, "lock of a key held by lockAndRead");
      const version = first.read?.version;
      if (!(await store.compareAndSetUnlock(k, { n: 2 }, version, undefined, first.token))) {
        fail("compareAndSetUnlock refused the current version");
      }
      same(await store.get(k), { n: 2 }, "value after compareAndSetUnlock");
      const second = await store.lockAndRead(k, 60_000);
      if (second === undefined) fail("the lease was not released by compareAndSetUnlock");
      same(second.read?.value, { n: 2 }, "value read by the next holder");
      // A stale version writes nothing, and the lease is released all the same.
      if (await store.compareAndSetUnlock(k, { n: 9 }, version, undefined, second.token)) {
        fail("compareAndSetUnlock accepted a stale version");
      }
      same(await store.get(k), { n: 2 }, "value after a refused compareAndSetUnlock");
      const absent = await store.lockAndRead(key("paired-absent"), 60_000);
      if (absent === undefined) fail("lockAndRead refused a free, absent key");
      same(absent.read, undefined, "read of an absent key");
      const third = await store.lock(k, 60_000);
      if (third === undefined) fail("the lease was not released after a refused write");
      await store.unlock(k, third);
    },
} satisfies Record<string, (store: SessionStore) => Promise<void>>;
