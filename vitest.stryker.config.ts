import { defineConfig } from "vitest/config";

/**
 * The vitest config StrykerJS runs (`npm run test:mutation`, see docs/testing.md).
 *
 * - Without the slow tests that start processes, browsers or other runtimes: they test the
 *   built package in dist/, which Stryker does not mutate.
 * - Test files share one module graph (`isolate: false`): Stryker runs the tests covering a
 *   mutant once per mutant, and importing the sources again for every test file was most of
 *   that time (3-4× faster). Mutants are switched on at run time, so this changes no verdict —
 *   except for "static" mutants (module-level constants, evaluated once): those are reported
 *   as survivors with no covering test. Check them with `STRYKER_ISOLATE=1 npx stryker run
 *   --mutate <file>:<line>` (see docs/testing.md). A file that mocks modules always runs
 *   isolated.
 */
const shared = {
  environment: "node",
  testTimeout: 20_000,
  hookTimeout: 20_000,
} as const;

const exclude = [
  "test/cluster/**",
  "test/e2e/**",
  "test/runtimes/**",
  "test/package/**",
  "test/client/bundle.test.ts",
  "test/intent/accuracy.test.ts",
  "**/node_modules/**",
];

/** Test files that call vi.mock(): they need a module graph of their own. */
const mocking = ["test/middleware/auth.test.ts"];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...shared,
          name: "shared",
          include: ["test/**/*.test.ts"],
          exclude: [...exclude, ...mocking],
          isolate: process.env.STRYKER_ISOLATE === "1",
        },
      },
      { test: { ...shared, name: "isolated", include: mocking } },
    ],
  },
});
