import { execFile } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

// Shared by the tests that run the BUILT package (dist/) in workerd, Bun and Deno: where the
// fixtures and the runtime binaries are, and the conversation as Node plays it.

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const fixture = (name: string) =>
  fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** For each client of the script, each message sent with the texts that answered it. */
export type Transcript = Record<string, Array<[string, string[]]>>;

/** The conversation played in Node, the reference for every other runtime. */
export async function nodeTranscript(): Promise<Transcript> {
  // A URL import: the fixture is plain JavaScript (the other runtimes run it as it is).
  const { converse } = (await import(
    new URL("./fixtures/conversation.js", import.meta.url).href
  )) as {
    converse(): Promise<Transcript>;
  };
  return converse();
}

/** What botwire/word-vectors gives in Node (test/runtimes/fixtures/vectors.js). */
export async function nodeVectors(): Promise<unknown> {
  const { vectorsRun } = (await import(new URL("./fixtures/vectors.js", import.meta.url).href)) as {
    vectorsRun(): Promise<unknown>;
  };
  return vectorsRun();
}

const require = createRequire(import.meta.url);
const os = process.platform;
const x64 = process.arch === "x64";

/**
 * Where each runtime's binary is after `npm ci`, first match wins: the platform package that
 * carries it (what npm installs as an optional dependency; install scripts are not run, see
 * "allowScripts" in package.json), then the main package's copy, where its postinstall
 * script would have put it.
 */
const CANDIDATES: Record<"workerd" | "bun" | "deno", Array<[pkg: string, file: string]>> = {
  workerd: [
    [`@cloudflare/workerd-${os}-${x64 ? "64" : "arm64"}`, "bin/workerd"],
    ["workerd", "bin/workerd"],
  ],
  bun: [
    [`@oven/bun-${os}-${x64 ? "x64" : "aarch64"}`, "bin/bun"],
    ["bun", "bin/bun.exe"],
  ],
  deno: [
    [`@deno/${os}-${process.arch}${os === "linux" ? "-glibc" : ""}`, "deno"],
    ["deno", "deno"],
  ],
};

/** The path of a runtime's binary, or undefined when it is not installed for this platform. */
export function findBinary(name: keyof typeof CANDIDATES): string | undefined {
  for (const [pkg, file] of CANDIDATES[name]) {
    let path: string;
    try {
      path = join(dirname(require.resolve(`${pkg}/package.json`)), file);
    } catch {
      continue;
    }
    // The main packages ship small stubs in place of the binary; a real one is megabytes.
    if (existsSync(path) && statSync(path).size > 1_000_000) return path;
  }
  return undefined;
}

/**
 * The runtime's binary, and whether its tests must skip: locally they skip, printing why, when
 * dist/ or the binary is missing; in CI (CI=true) nothing skips and a missing piece fails.
 */
export function checkRuntime(name: "node" | keyof typeof CANDIDATES): {
  skip: boolean;
  binary: string;
} {
  const binary = name === "node" ? process.execPath : findBinary(name);
  const missing = [
    !["index.js", "testing.js"].every((f) => existsSync(join(ROOT, "dist", f))) &&
      "dist/ (npm run build)",
    binary === undefined && `the ${name} binary (npm ci)`,
  ].filter(Boolean);
  if (missing.length === 0) return { skip: false, binary: binary as string };
  const message = `${name} runtime tests: missing ${missing.join(", ")}`;
  if (process.env.CI === "true") throw new Error(`${message} (required in CI)`);
  console.warn(`[skip] ${message}`);
  return { skip: true, binary: "" };
}

/** Runs a runtime on a fixture script and parses the JSON it prints. */
export async function runScript(
  binary: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<Transcript> {
  return (await runJson(binary, args, env)) as Transcript;
}

/** Runs a fixture that prints JSON, and parses it. */
export async function runJson(
  binary: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<unknown> {
  const { stdout } = await promisify(execFile)(binary, args, {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1", ...env },
    timeout: 120_000,
  });
  return JSON.parse(stdout) as unknown;
}
