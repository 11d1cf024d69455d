/**
 * Assertions for the conformance suites: they throw plain `Error`s, so a suite runs under
 * any test runner and pulls no test framework into the package.
 * @module
 */

/** The assertions of one suite; every message starts with the suite's name. */
export interface SuiteAssert {
  /** Fails the test. */
  fail(message: string): never;
  /** Fails unless `actual` and `expected` have the same JSON. */
  same(actual: unknown, expected: unknown, what: string): void;
  /** Fails unless `condition` holds. */
  ok(condition: boolean, what: string): void;
  /** Polls `check` until it holds (5 s at most): expiry is never exact, so wait instead of timing. */
  eventually(check: () => Promise<boolean>, what: string): Promise<void>;
}

/** Makes the assertions of the suite named `suite`. */
export function suiteAssert(suite: string): SuiteAssert {
  const fail = (message: string): never => {
    throw new Error(`${suite}: ${message}`);
  };
  return {
    fail,
    same(actual, expected, what) {
      const a = JSON.stringify(actual);
      const e = JSON.stringify(expected);
      if (a !== e) fail(`${what}: expected ${e}, got ${a}`);
    },
    ok(condition, what) {
      if (!condition) fail(what);
    },
    async eventually(check, what) {
      const deadline = Date.now() + 5_000;
      while (!(await check())) {
        if (Date.now() > deadline) fail(`${what} did not happen within 5 s`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
  };
}
