/**
 * The transport conformance suite: what every transport must do for a bot to behave the
 * same on it — the handshake, plain-text frames, binary frames refused, slow readers
 * closed, silent connections timed out, closes reported, broken sockets contained.
 * Runner-agnostic, like the store and ledger suites.
 * @module
 */
import type { TransportFixture } from "./transport-fixture.js";
import { transportCases } from "./transport-suite-cases.js";

/** Options of {@link runTransportSuite}. */
export interface TransportSuiteOptions {
  /** Starts the transport under test for each case. */
  fixture: TransportFixture;
  /** The runner's `describe` (groups tests). */
  describe: (name: string, body: () => void) => unknown;
  /** The runner's `it`/`test` (one async test). */
  it: (name: string, body: () => Promise<void>) => unknown;
  /**
   * The runner's `it.skip`, for the cases the fixture lists in `notApplicable`. Without it
   * those cases are left out of the run (their names and reasons are still in the fixture).
   */
  skip?: (name: string, body: () => Promise<void>) => unknown;
  /**
   * The suite's name, shown by the runner.
   * @default "transport conformance"
   */
  name?: string;
}

/**
 * Registers the conformance tests every transport must pass. Each case builds a small echo
 * bot, starts it through `fixture` and talks to it over the transport's own client
 * connections. Run it from your own test file for a transport you wrote.
 *
 * @param options - see {@link TransportSuiteOptions}
 * @example
 * ```ts
 * import { describe, it } from "vitest";
 * import { runTransportSuite } from "botwire/testing";
 *
 * runTransportSuite({ fixture: myTransportFixture, describe, it });
 * ```
 */
export function runTransportSuite(options: TransportSuiteOptions): void {
  const { fixture, describe, it } = options;
  if (typeof fixture?.start !== "function") {
    throw new TypeError("runTransportSuite: fixture.start must be a function");
  }
  if (typeof describe !== "function" || typeof it !== "function") {
    throw new TypeError("runTransportSuite: pass your test runner's describe and it");
  }
  const notApplicable: Partial<Record<string, string>> = fixture.notApplicable ?? {};
  describe(options.name ?? "transport conformance", () => {
    for (const [title, body] of Object.entries(transportCases)) {
      const reason = notApplicable[title];
      if (reason === undefined) it(title, () => body(fixture));
      else options.skip?.(`${title} (not applicable: ${reason})`, () => body(fixture));
    }
  });
}
