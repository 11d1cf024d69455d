import { existsSync } from "node:fs";
import { join } from "node:path";
import { checkRuntime, ROOT } from "../../runtimes/helpers.js";

/**
 * The bun binary, and whether the botwire/bun tests must skip: as `checkRuntime("bun")`, and
 * also when dist/ was built before botwire/bun existed (locally a visible skip, in CI a failure).
 */
export function bunRuntime(): { skip: boolean; binary: string } {
  const runtime = checkRuntime("bun");
  if (runtime.skip || existsSync(join(ROOT, "dist", "bun.js"))) return runtime;
  const message = "botwire/bun tests: missing dist/bun.js (npm run build)";
  if (process.env.CI === "true") throw new Error(`${message} (required in CI)`);
  console.warn(`[skip] ${message}`);
  return { skip: true, binary: "" };
}
