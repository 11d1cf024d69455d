import { readFile, writeFile } from "node:fs/promises";
import { defineConfig } from "tsup";
import { tsupEntry } from "./scripts/entries.mjs";

/**
 * The source maps of `botwire/word-vectors` would each carry a copy of its 1.8 MB data
 * module's text; they keep its mappings and drop that text (nobody debugs a base64 string).
 */
async function dropDataSources(): Promise<void> {
  for (const file of ["dist/word-vectors.js.map", "dist/word-vectors.cjs.map"]) {
    const map = JSON.parse(await readFile(file, "utf8")) as {
      sources: string[];
      sourcesContent?: Array<string | null>;
    };
    map.sources.forEach((source, i) => {
      if (source.endsWith("word-vectors/data.ts") && map.sourcesContent !== undefined) {
        map.sourcesContent[i] = null;
      }
    });
    await writeFile(file, JSON.stringify(map));
  }
}

export default defineConfig({
  // One entry per subpath export, from the one list in scripts/entries.mjs; the names give
  // dist/<name>.{js,cjs,d.ts,d.cts}.
  entry: tsupEntry(),
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "es2022",
  platform: "neutral",
  // Shared code goes into chunks imported by every entry, in both formats, so a class such as
  // Bot is one runtime value whichever subpath it is reached through (instanceof keeps working).
  splitting: true,
  // tsup already leaves dependencies and peerDependencies external; node: builtins are listed
  // because platform "neutral" does not know them.
  external: [/^node:/],
  onSuccess: dropDataSources,
});
