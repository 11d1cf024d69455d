import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { describe } from "vitest";

// Browser end-to-end tests run in Debian's chromium, on the demo, which imports the built
// package: both must be there. Locally they skip with a visible message; in CI they run.
const CHROMIUM = "/usr/bin/chromium";
const DIST = fileURLToPath(new URL("../../dist/index.js", import.meta.url));

/** `describe`, or `describe.skip` (with a message) when chromium or dist/ is missing outside CI. */
export function browserSuite(what: string): typeof describe | typeof describe.skip {
  const missing = [!existsSync(CHROMIUM) && CHROMIUM, !existsSync(DIST) && "dist/ (npm run build)"]
    .filter(Boolean)
    .join(", ");
  if (!missing || process.env.CI === "true") return describe;
  console.warn(`[skip] ${what}: missing ${missing}`);
  return describe.skip;
}

/** Launches headless chromium with the flags this machine needs (no sandbox, no network chatter). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
