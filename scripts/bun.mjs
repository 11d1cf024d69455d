// Runs the Bun binary that `npm ci` installed (the @oven/bun-<platform> package carries it;
// npm skips the `bun` package's install script, so node_modules/.bin/bun is only a stub):
//   node scripts/bun.mjs examples/bun/server.js
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const arch = process.arch === "x64" ? "x64" : "aarch64";
let binary = "bun";
try {
  const candidate = join(
    dirname(require.resolve(`@oven/bun-${process.platform}-${arch}/package.json`)),
    "bin/bun",
  );
  if (existsSync(candidate)) binary = candidate;
} catch {
  // Not installed for this platform: fall back to a `bun` on the PATH.
}
const child = spawn(binary, process.argv.slice(2), { stdio: "inherit" });
child.on("exit", (code, signal) => process.exit(signal === null ? (code ?? 1) : 1));
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
