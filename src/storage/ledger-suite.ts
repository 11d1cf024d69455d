/**
 * The ledger conformance suite: what every {@link Ledger} must do for the protocol's
 * guarantees (resume with replay, at-most-once handling, bounded outboxes, rooms) to hold.
 * Runner-agnostic, like the store suite.
 * @module
 */
import type { MaybePromise } from "../util/types.js";
import type { Ledger } from "./ledger.js";
import type { LedgerLimits } from "./ledger-limits.js";
import { ledgerCases, SUITE_LIMITS } from "./ledger-suite-cases.js";

/** Options of {@link runLedgerSuite}. */
export interface LedgerSuiteOptions<L extends Ledger> {
  /**
   * Creates the ledger under test, with the limits given (small ones: an outbox of 5
   * messages, a dedup window of 3 ids); called once per test.
   */
  create: (limits: LedgerLimits) => MaybePromise<L>;
  /** Called after each test with the ledger it used (close connections, delete keys). */
  destroy?: (ledger: L) => MaybePromise<void>;
  /** The runner's `describe` (groups tests). */
  describe: (name: string, body: () => void) => unknown;
  /** The runner's `it`/`test` (one async test). */
  it: (name: string, body: () => Promise<void>) => unknown;
  /**
   * The suite's name, shown by the runner.
   * @default "ledger conformance"
   */
  name?: string;
}

/**
 * Registers the conformance tests every ledger must pass: unguessable session ids, replay
 * after `lastSeq`, gaps reported exactly, owners checked on resume, one claim per message id
 * with only its own replies replayed, the dedup window, rooms, atomic seqs. Run it from your
 * own test file for a ledger you wrote.
 *
 * @param options - see {@link LedgerSuiteOptions}
 * @example
 * ```ts
 * import { describe, it } from "vitest";
 * import { runLedgerSuite } from "botwire/testing";
 *
 * runLedgerSuite({ create: (limits) => new MyLedger(limits), describe, it });
 * ```
 */
export function runLedgerSuite<L extends Ledger>(options: LedgerSuiteOptions<L>): void {
  const { create, destroy, describe, it } = options;
  if (typeof create !== "function")
    throw new TypeError("runLedgerSuite: create must be a function");
  if (typeof describe !== "function" || typeof it !== "function") {
    throw new TypeError("runLedgerSuite: pass your test runner's describe and it");
  }
  describe(options.name ?? "ledger conformance", () => {
    for (const [title, body] of Object.entries(ledgerCases)) {
      it(title, async () => {
        const ledger = await create({ ...SUITE_LIMITS });
        try {
          await body(ledger);
        } finally {
          await destroy?.(ledger);
        }
      });
    }
  });
}
