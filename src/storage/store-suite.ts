/**
 * The store conformance suite. It takes the test runner's `describe`/`it` as parameters
 * and asserts by throwing, so it works with Vitest, Jest, Mocha or `node:test` and pulls
 * no test framework into the package.
 * @module
 */
import type { MaybePromise } from "../util/types.js";
import { isAtomicStore, isSessionStore, type Store } from "./store.js";
import { atomicCases, basicCases, lockingCases } from "./store-suite-cases.js";

/** Options of {@link runStoreSuite}. */
export interface StoreSuiteOptions<S extends Store> {
  /** Creates the store under test; called once per test. */
  create: () => MaybePromise<S>;
  /** Called after each test with the store it used (close connections, delete keys). */
  destroy?: (store: S) => MaybePromise<void>;
  /** The runner's `describe` (groups tests). */
  describe: (name: string, body: () => void) => unknown;
  /** The runner's `it`/`test` (one async test). */
  it: (name: string, body: () => Promise<void>) => unknown;
  /**
   * The suite's name, shown by the runner.
   * @default "store conformance"
   */
  name?: string;
  /**
   * Also check `increment` (`AtomicStore`, needed by `rateLimit()` across processes).
   * @default true
   */
  atomic?: boolean;
  /**
   * Also check `getVersioned`, `compareAndSet` and the lock methods (`SessionStore`,
   * needed by `session()` for its guarantee across processes).
   * @default true
   */
  locking?: boolean;
}

/**
 * Registers the conformance tests every store must pass: reads return copies, TTLs
 * expire, and (unless turned off) increments, compare-and-set and locks stay atomic
 * under concurrent calls. Run it from your own test file for a store you wrote.
 *
 * @param options - see {@link StoreSuiteOptions}
 * @example
 * ```ts
 * import { describe, it } from "vitest";
 * import { runStoreSuite } from "botwire/testing";
 *
 * runStoreSuite({ create: () => new MyStore(), describe, it, locking: false });
 * ```
 */
export function runStoreSuite<S extends Store>(options: StoreSuiteOptions<S>): void {
  const { create, destroy, describe, it } = options;
  if (typeof create !== "function") throw new TypeError("runStoreSuite: create must be a function");
  if (typeof describe !== "function" || typeof it !== "function") {
    throw new TypeError("runStoreSuite: pass your test runner's describe and it");
  }
  const register = <T extends Store>(
    cases: Record<string, (store: T) => Promise<void>>,
    need: (store: Store) => store is T,
  ) => {
    for (const [title, body] of Object.entries(cases)) {
      it(title, async () => {
        const store = await create();
        try {
          if (!need(store)) {
            throw new Error(`the store lacks the methods this test needs (${title})`);
          }
          await body(store);
        } finally {
          await destroy?.(store);
        }
      });
    }
  };
  describe(options.name ?? "store conformance", () => {
    describe("Store", () => register(basicCases, (store): store is Store => true));
    if (options.atomic !== false)
      describe("AtomicStore", () => register(atomicCases, isAtomicStore));
    if (options.locking !== false) {
      describe("SessionStore", () => register(lockingCases, isSessionStore));
    }
  });
}
