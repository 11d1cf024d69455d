import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../../src");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : [];
  });
}

describe("source layout", () => {
  it("keeps every source file at 300 lines or fewer (one purpose a file)", () => {
    const long = sources(root)
      .map((path) => ({
        path: path.slice(root.length + 1),
        lines: readFileSync(path, "utf8").split("\n").length - 1,
      }))
      .filter((file) => file.lines > 300);
    expect(long).toEqual([]);
  });

  it("does no work at import time in the portable core: no top-level calls to timers or randomness", () => {
    const portable = sources(root).filter(
      (path) => !/[/\\](transports[/\\]ws|redis|client)[/\\]/.test(path),
    );
    const offenders = portable.filter((path) =>
      /^(?:export )?(?:const|let) \w+[^=\n]*= *(?:randomId|localId|setTimeout|setInterval|crypto\.)/m.test(
        readFileSync(path, "utf8"),
      ),
    );
    expect(offenders).toEqual([]);
  });
});
