import { readdir, readFile, writeFile } from "node:fs/promises";
import { defineConfig } from "tsup";
import { tsupEntry } from "./scripts/entries.mjs";

/**
 * The source maps of `botwire/word-vectors` would each carry a copy of its 1.8 MB data
 * module's text; they keep its mappings and drop that text (nobody debugs a base64 string).
 * Every map of the output is looked at, whichever formats and chunks a build makes.
 */
async function dropDataSources(): Promise<void> {
  const maps = (await readdir("dist").catch(() => [])).filter((file) => file.endsWith(".map"));
  for (const file of maps) {
    const path = `dist/${file}`;
    const map = JSON.parse(await readFile(path, "utf8")) as {
      sources?: string[];
      sourcesContent?: Array<string | null>;
    };
    const { sources = [], sourcesContent } = map;
    const data = sources.findIndex((source) => source.endsWith("word-vectors/data.ts"));
    if (data < 0 || sourcesContent === undefined) continue;
    sourcesContent[data] = null;
    await writeFile(path, JSON.stringify(map));
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
