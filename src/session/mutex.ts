/**
 * A per-key FIFO mutex: callers for one key run one at a time, in the order they asked.
 * @module
 */

/** @internal Serialises work per key within this process. */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  /** Waits for every earlier holder of `key`, then resolves with a release function. */
  async acquire(key: string): Promise<() => void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    return () => {
      release();
      // Forget the key once nobody queued behind us, so the map does not grow without bound.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
  }

  /**
   * Takes `key` at once when nobody holds it (no promise, no microtask); returns
   * `undefined` when it is held, and the caller should `await acquire(key)`.
   */
  tryAcquire(key: string): (() => void) | undefined {
    if (this.tails.has(key)) return undefined;
    let release!: () => void;
    const tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.tails.set(key, tail);
    return () => {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
  }

  /** How many keys have a holder or waiters (for tests and diagnostics). */
  get size(): number {
    return this.tails.size;
  }
}
