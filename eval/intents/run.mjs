/**
 * `npm run eval:intents`: bundles eval.ts (and the recognizer sources it imports) with
 * esbuild, in memory, and runs it. Reads only the committed samples in ./data; downloads
 * nothing. Arguments are passed on: `--split val` measures on the validation split (for
 * tuning; BANKING77, which has none, is then tested on the training utterances not
 * learned), `--seeds 1,2,3` picks seeds, `--quick` runs the two target rows only, `--full`
 * adds CLINC150 with 20 and 150 intents, `--only botwire` runs one system, `--tune '{…}'`
 * overrides weights of `TUNING`; `--speed` measures the CPU time per message instead
 * (speed.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

const result = await build({
  entryPoints: [
    new URL(process.argv.includes("--speed") ? "speed.ts" : "eval.ts", import.meta.url).pathname,
  ],
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  write: false,
});
process.env.BOTWIRE_EVAL_DATA = new URL("data/", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "botwire-eval-"));
const file = join(dir, "eval.mjs");
try {
  writeFileSync(file, result.outputFiles[0].text);
  await import(pathToFileURL(file).href);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
