import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CloseCode } from "../../src/protocol/index.js";

// Every figure the README states is checked against what the suite measures or what
// docs/benchmarks.md reports, so the README cannot drift from the code (it once said 4.9 KB
// for a 5.1 KB client). A new number in the README fails the last test until it is checked.

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");
const README = read("README.md");
const BENCHMARKS = read("docs/benchmarks.md");
const PACKAGE = JSON.parse(read("package.json")) as {
  engines: { node: string };
  scripts: Record<string, string>;
  files: string[];
};

/** The README without code: fenced blocks, inline code and link targets. */
const prose = README.replace(/```[\s\S]*?```/g, "")
  .replace(/`[^`]*`/g, "")
  .replace(/\]\([^)]*\)/g, "]");

/** The README's claims, each as the regular expression that finds it. */
const CLAIMS = {
  clientSize: /\*\*(\d+\.\d) KB\*\* min\+gzip/,
  ratios: /\d+\.\d+(?:–\d+\.\d+)?×/g,
  idleMemory: /(\d+)% less memory per idle connection than Socket\.IO/,
  node: /Node\.js ≥ (\d+)/,
  shutdownClose: /closes every connection with (\d+)/,
};

function match(pattern: RegExp): RegExpExecArray {
  const found = pattern.exec(prose);
  if (found === null) throw new Error(`the README no longer says ${pattern}; update this test`);
  return found;
}

describe("the README's figures", () => {
  it("client size: the min+gzip size of the browser build that bundle.test.ts measures", async () => {
    // The same build as test/client/bundle.test.ts; 1 KB = 1024 B (as its budget), one decimal.
    const build = new URL("../../examples/demo/build-client.js", import.meta.url).href;
    const { buildBrowserClient } = (await import(build)) as {
      buildBrowserClient(): Promise<{ gzipBytes: number }>;
    };
    const { gzipBytes } = await buildBrowserClient();
    const measured = (gzipBytes / 1024).toFixed(1);
    expect(match(CLAIMS.clientSize)[1], `the client is ${gzipBytes} B = ${measured} KB`).toBe(
      measured,
    );
  });

  it("benchmark ratios: each one is a figure docs/benchmarks.md reports", () => {
    const ratios = prose.match(CLAIMS.ratios) ?? [];
    expect(ratios.length).toBeGreaterThanOrEqual(5);
    for (const ratio of ratios)
      expect(BENCHMARKS, `${ratio} in docs/benchmarks.md`).toContain(ratio);
  });

  it("idle memory: follows from the RSS per idle connection in docs/benchmarks.md", () => {
    // | 10 000 idle conns | server RSS / conn (KiB) | ws | Socket.IO | botwire | … |
    const row =
      /\|\s*10 000 idle conns\s*\|\s*server RSS \/ conn \(KiB\)\s*\|([^|]+)\|([^|]+)\|([^|]+)\|/.exec(
        BENCHMARKS,
      );
    if (row === null) throw new Error("docs/benchmarks.md has no idle RSS row; update this test");
    const socketIo = Number(row[2]);
    const botwire = Number(row[3]);
    const less = Math.round((1 - botwire / socketIo) * 100);
    expect(Number(match(CLAIMS.idleMemory)[1])).toBe(less);
  });

  it("Node.js version: the one package.json's engines require", () => {
    expect(PACKAGE.engines.node).toBe(`>=${match(CLAIMS.node)[1]}`);
  });

  it("shutdown close code: the protocol's going-away code (test/package/demo-restart.test.ts plays it)", () => {
    expect(Number(match(CLAIMS.shutdownClose)[1])).toBe(CloseCode.GoingAway);
  });

  it("has no other figure that this file does not check", () => {
    let rest = prose;
    for (const pattern of Object.values(CLAIMS)) {
      rest = rest.replace(new RegExp(pattern.source, "g"), "");
    }
    // Not claims: an address, the protocol's version in its name, and dataset names.
    rest = rest
      .replace(/127\.0\.0\.1(:\d+)?/g, "")
      .replace(/protocol v1/g, "")
      .replace(/CLINC150|BANKING77/g, "");
    expect(rest.match(/\d[\d.,]*/g) ?? []).toEqual([]);
  });
});

describe("installing from a git URL", () => {
  it("builds dist/: npm runs `prepare` when it prepares a git dependency", () => {
    // A git checkout has no dist/ (it is not committed); without `prepare` such an install
    // had no code at all. (A real `npm install git+file://…` of a clone was checked by hand:
    // it takes minutes, as npm installs the dev dependencies to build.)
    expect(README).toMatch(/npm install git\+https:/);
    expect(PACKAGE.scripts.prepare).toBe("npm run build");
    expect(PACKAGE.scripts.build).toBe("tsup");
    expect(PACKAGE.files).toContain("dist");
  });
});

describe("the guides in the API docs (typedoc.config.mjs)", async () => {
  const config = (
    (await import(new URL("../../typedoc.config.mjs", import.meta.url).href)) as {
      default: {
        projectDocuments?: string[];
        highlightLanguages?: string[];
        ignoredHighlightLanguages?: string[];
      };
    }
  ).default;
  const guides = [...new Set([...README.matchAll(/\]\((docs\/[\w-]+\.md)\)/g)].map((m) => m[1]))];

  it("renders every guide the README links to as a page, not as a copied Markdown file", () => {
    const patterns = (config.projectDocuments ?? []).map(
      (glob) => new RegExp(`^${glob.replace(/\./g, "\\.").replace(/\*/g, "[^/]*")}$`),
    );
    expect(guides.length).toBeGreaterThanOrEqual(5);
    for (const guide of guides) {
      expect(
        patterns.some((p) => p.test(guide as string)),
        `${guide} is a document`,
      ).toBe(true);
    }
  });

  it("knows the language of every code block in them (or `npm run docs` fails)", () => {
    const aliases: Record<string, string> = { ts: "typescript", js: "javascript", sh: "bash" };
    const known = new Set([
      ...(config.highlightLanguages ?? []),
      ...(config.ignoredHighlightLanguages ?? []),
    ]);
    for (const guide of guides) {
      for (const [, lang] of read(guide as string).matchAll(/^\s*```(\w+)/gm)) {
        expect(known, `${guide}: \`\`\`${lang}`).toContain(aliases[lang as string] ?? lang);
      }
    }
  });
});
