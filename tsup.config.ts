import { defineConfig } from "tsup";
import { tsupEntry } from "./scripts/entries.mjs";

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
});
