import { existsSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../../runtimes/helpers.js";

/**
 * Whether dist/web.js is built (the runtime tests import the built package); locally a test
 * skips with a printed reason when it is not, in CI (CI=true) it fails.
 */
export function webDistMissing(what: string): boolean {
  if (existsSync(join(ROOT, "dist", "web.js"))) return false;
  const message = `${what}: missing dist/web.js (npm run build)`;
  if (process.env.CI === "true") throw new Error(`${message} (required in CI)`);
  console.warn(`[skip] ${message}`);
  return true;
}
