// @ts-check
/**
 * Mutation testing of the data path (`npm run test:mutation`; not part of `npm test`).
 * See docs/testing.md. Run one file while working on its tests:
 *   npx stryker run --mutate src/storage/memory-ledger.ts
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
const report = process.env.STRYKER_REPORT ?? "mutation";

export default {
  packageManager: "npm",
  testRunner: "vitest",
  vitest: { configFile: "vitest.stryker.config.ts" },
  checkers: ["typescript"],
  tsconfigFile: "tsconfig.json",
  // Type-check mutants in groups: much faster; a rare mutant that would not compile may run
  // its tests instead (and be killed or survive like any other).
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: "perTest",
  mutate: [
    "src/core/compose.ts",
    "src/protocol/parse.ts",
    "src/protocol/fast-frame.ts",
    "src/protocol/json.ts",
    "src/session/session.ts",
    "src/session/lease.ts",
    "src/session/mutex.ts",
    "src/session/record.ts",
    "src/storage/memory-ledger.ts",
    "src/storage/id-window.ts",
    "src/redis/ledger.ts",
    "src/middleware/rate-limit.ts",
    "src/middleware/auth.ts",
    "src/dialog/*.ts",
    "src/connection/delivery.ts",
    "src/connection/queue.ts",
    "src/connection/peer.ts",
    "src/connection/turn.ts",
  ],
  // Modest by default (a shared 2-core machine): raise it with --concurrency on your own.
  // Patient timeouts, so a busy machine does not turn a slow test run into a "Timeout".
  concurrency: 1,
  timeoutMS: 5_000,
  timeoutFactor: 3,
  reporters: ["clear-text", "progress", "html", "json"],
  // STRYKER_REPORT=<name> writes reports/mutation/<name>.{json,html} instead of mutation.*, so
  // runs of several file groups keep their reports for scripts/mutation-report.mjs to merge.
  htmlReporter: { fileName: `reports/mutation/${report}.html` },
  jsonReporter: { fileName: `reports/mutation/${report}.json` },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
  ignorePatterns: ["dist", "docs/api", "coverage", "bench/results", "test-results", "reports"],
  thresholds: { high: 90, low: 85, break: null },
};
