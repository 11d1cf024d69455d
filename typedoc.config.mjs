// TypeDoc options. The entry points come from the one list in scripts/entries.mjs; each entry
// file's `@module botwire/<subpath>` tag names its page by its import path.
import { entries } from "./scripts/entries.mjs";

/** @type {Partial<import("typedoc").TypeDocOptions>} */
const config = {
  name: "botwire",
  entryPoints: entries.map((entry) => entry.source),
  out: "docs/api",
  readme: "README.md",
  tsconfig: "tsconfig.json",
  excludePrivate: true,
  excludeInternal: true,
  excludeExternals: true,
  disableSources: true,
  validation: {
    notExported: true,
    invalidLink: true,
    notDocumented: true,
  },
  treatWarningsAsErrors: true,
  treatValidationWarningsAsErrors: true,
};

export default config;
