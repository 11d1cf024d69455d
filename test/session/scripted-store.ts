import { vi } from "vitest";
import type { SessionStore } from "../../src/storage/store.js";

/**
 * A session store whose lock() answers from a script (undefined = held by someone else), for
 * the lease's tests: no real time, no Redis. Its lock calls are spies.
 */
export function scriptedStore(answers: Array<string | undefined>) {
  return {
    get: () => undefined,
    set: () => undefined,
    delete: () => undefined,
    getVersioned: () => undefined,
    compareAndSet: () => true,
    lock: vi.fn((_key: string, _ttlMs: number) => answers.shift()),
    renewLock: vi.fn((_key: string, _token: string, _ttlMs: number) => Promise.resolve(true)),
    unlock: vi.fn((_key: string, _token: string) => Promise.resolve()),
  } satisfies SessionStore;
}
