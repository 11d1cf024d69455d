import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * True when tests that run the built package should be skipped because `dist/` lacks one of
 * `entries` (prints why). `npm test` builds before running vitest; a bare `npx vitest` may not
 * have. In CI (CI=true) a missing build is an error, never a silent skip.
 */
export function skipWithoutBuild(what: string, entries: readonly string[]): boolean {
  const missing = entries.filter(
    (entry) => !existsSync(fileURLToPath(new URL(`../../dist/${entry}`, import.meta.url))),
  );
  if (missing.length === 0) return false;
  const why = `dist/ has no ${missing.join(", ")} (run \`npm run build\` first)`;
  if (process.env.CI === "true") throw new Error(`${what}: ${why}; CI must build before testing`);
  console.warn(`\n⚠ SKIPPED ${what}: ${why}\n`);
  return true;
}
