// TypeDoc options. The entry points come from the one list in scripts/entries.mjs; each entry
// file's `@module botwire/<subpath>` tag names its page by its import path.
import { entries } from "./scripts/entries.mjs";

/** @type {Partial<import("typedoc").TypeDocOptions>} */
const config = {
  name: "botwire",
  entryPoints: entries.map((entry) => entry.source),
  out: "docs/api",
  readme: "README.md",
  // The guides become pages of the site (their links to each other and from the README
  // lead there), instead of Markdown files copied as they are.
  projectDocuments: ["docs/*.md"],
  // TypeDoc's defaults, plus what the guides' code blocks use.
  highlightLanguages: [
    ...["bash", "console", "css", "html", "javascript", "json", "jsonc", "json5", "yaml"],
    ...["tsx", "typescript", "nginx", "mermaid"],
  ],
  ignoredHighlightLanguages: ["caddyfile", "promql"], // not in Shiki: shown as plain text
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
