/**
 * A per-key FIFO mutex: callers for one key run one at a time, in the order they asked.
 * @module
 */

/**
 * A key no caller can pass, kept in the map for good. V8 shrinks a `Map` that a `delete`
 * leaves empty, through a runtime call that allocates a new table: on the message hot path
 * (one session's key taken and given back per message, the map empty in between) that was
 * 0.6 µs of a message's ~7.5 µs in process (docs/benchmarks.md, round four). A map that
 * never empties never shrinks.
 */
const KEEP = Symbol("keep");

/** @internal Serialises work per key within this process. */
export class KeyedMutex {
  /**
   * Held keys, each with the callers waiting for it in arrival order (`null`: none yet), and
   * `KEEP`. Taking a free key costs one map entry — no promise — since on the message hot
   * path the key is almost always free.
   */
  private readonly held = new Map<string | typeof KEEP, Array<() => void> | null>([[KEEP, null]]);

  /** Waits for every earlier holder of `key`, then resolves with a release function. */
  acquire(key: string): Promise<() => void> {
    const release = this.tryAcquire(key);
    if (release !== undefined) return Promise.resolve(release);
    return new Promise((resolve) => {
      let waiters = this.held.get(key);
      if (waiters == null) {
        waiters = [];
        this.held.set(key, waiters);
      }
      // The releasing holder hands the key straight to the first waiter.
      waiters.push(() => resolve(this.releaser(key)));
    });
  }

  /**
   * Takes `key` at once when nobody holds it (no promise, no microtask); returns
   * `undefined` when it is held, and the caller should `await acquire(key)`.
   */
  tryAcquire(key: string): (() => void) | undefined {
    if (this.held.has(key)) return undefined;
    this.held.set(key, null);
    return this.releaser(key);
  }

  /** How many keys have a holder (for tests and diagnostics). */
  get size(): number {
    return this.held.size - 1;
  }

  /** A release function for the holder of `key`; calling it again does nothing. */
  private releaser(key: string): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const waiters = this.held.get(key);
      const next = waiters?.shift();
      // Nobody waiting: forget the key, so the map does not grow without bound.
      if (next === undefined) this.held.delete(key);
      else next();
    };
  }
}
