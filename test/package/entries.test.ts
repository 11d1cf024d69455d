import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  entries,
  importPath,
  packageExports,
  packageSideEffects,
  packageTypesVersions,
  webConditions,
} from "../../scripts/entries.mjs";

// scripts/entries.mjs is the one list of entry points; tsup, typedoc and the consumer check
// read it. package.json cannot import it, so this test keeps package.json in step with it
// (`npm run entries` rewrites the fields).
const root = new URL("../../", import.meta.url);
const pkg = JSON.parse(readFileSync(new URL("package.json", root), "utf8"));

describe("entry points", () => {
  it("package.json exports match scripts/entries.mjs, in order (run `npm run entries`)", () => {
    expect(pkg.exports).toEqual(packageExports());
    expect(Object.keys(pkg.exports)).toEqual(Object.keys(packageExports()));
  });

  it("package.json typesVersions match scripts/entries.mjs (run `npm run entries`)", () => {
    expect(pkg.typesVersions).toEqual(packageTypesVersions());
  });

  it("lists types first for both import and require", () => {
    for (const entry of entries) {
      const conditions = pkg.exports[entry.subpath];
      const builds =
        entry.node === undefined
          ? [conditions]
          : [...webConditions.map((c) => conditions[c]), conditions.node, conditions];
      const outer = entry.node === undefined ? [] : [...webConditions, "node"];
      expect(Object.keys(conditions)).toEqual([...outer, "import", "require"]);
      for (const build of builds) {
        expect(Object.keys(build.import)).toEqual(["types", "default"]);
        expect(Object.keys(build.require)).toEqual(["types", "default"]);
      }
    }
  });

  it("gives web runtimes the portable build and Node the one that may load ws", () => {
    const client = pkg.exports["./client"];
    for (const condition of webConditions) {
      expect(client[condition].import.default).toBe("./dist/client.js");
    }
    expect(client.node.import.default).toBe("./dist/client.node.js");
    expect(client.node.require.default).toBe("./dist/client.node.cjs");
    // The Node build registers ws when loaded: bundlers must not drop it as side-effect free.
    expect(pkg.sideEffects).toEqual(packageSideEffects());
    expect(pkg.sideEffects).toEqual(["./dist/client.node.js", "./dist/client.node.cjs"]);
  });

  it("points main, module and types at the root entry", () => {
    const rootEntry = entries.find((entry) => entry.subpath === ".");
    expect(rootEntry).toBeDefined();
    const name = rootEntry?.name;
    expect(pkg.main).toBe(`./dist/${name}.cjs`);
    expect(pkg.module).toBe(`./dist/${name}.js`);
    expect(pkg.types).toBe(`./dist/${name}.d.cts`);
  });

  it("has unique subpaths, output names and sources", () => {
    for (const key of ["subpath", "name", "source"] as const) {
      const values = entries.map((entry) => entry[key]);
      expect(new Set(values).size).toBe(values.length);
    }
  });

  it("names each entry file's docs page by its import path (`@module botwire/…`)", () => {
    for (const entry of entries) {
      const text = readFileSync(new URL(entry.source, root), "utf8");
      // The @module comment must be the first comment of the file for typedoc to use it.
      const first = /^\s*\/\*\*([\s\S]*?)\*\//.exec(text)?.[1] ?? "";
      expect(first, entry.source).toMatch(new RegExp(`@module ${importPath(entry)}\\s`));
      expect(first, `${entry.source} has an @example`).toContain("@example");
    }
  });

  it("README's table of entry points lists each one, in order", () => {
    const readme = readFileSync(new URL("README.md", root), "utf8");
    const section = /^## Entry points\n([\s\S]*?)^## /m.exec(readme)?.[1] ?? "";
    const rows = [...section.matchAll(/^\| `(botwire[^`]*)`/gm)].map((match) => match[1]);
    expect(rows).toEqual(entries.map(importPath));
  });
});
