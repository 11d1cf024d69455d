import { spawn } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { transportCases } from "../../src/testing/transport-suite-cases.js";
import { ROOT } from "./helpers.js";

// The Vitest side of a conformance suite that runs inside another runtime (Bun, Deno,
// workerd): the runtime runs every case with fixtures/mini-runner.js and prints one line
// `SUITE_RESULTS <json>`; here each case becomes a test of its own that fails with the
// runtime's error, so a report names the case that broke, not just "the process failed".

/** One case's outcome, as fixtures/mini-runner.js reports it. */
export interface CaseResult {
  title: string;
  ok: boolean;
  skipped?: boolean;
  error?: string;
}

const PREFIX = "SUITE_RESULTS ";

/** Runs a command and resolves with the results line it printed (rejects with its output otherwise). */
export function collectResults(
  binary: string,
  args: string[],
  env: Record<string, string> = {},
  cwd = ROOT,
  timeoutMs = 240_000,
): Promise<CaseResult[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, {
      cwd,
      env: { ...process.env, NO_COLOR: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const line = out.split("\n").find((l) => l.startsWith(PREFIX));
      if (line === undefined) {
        const why = signal === "SIGKILL" ? `killed after ${timeoutMs} ms` : `exit ${code}`;
        reject(new Error(`${binary} printed no results (${why})\n${out}\n${err}`));
        return;
      }
      resolve(JSON.parse(line.slice(PREFIX.length)) as CaseResult[]);
    });
  });
}

/** Options of {@link runtimeSuite}. */
export interface RuntimeSuiteOptions {
  /** The describe block's title, e.g. "transport conformance: botwire/bun in Bun". */
  title: string;
  /** Skip (locally, with a printed reason; see checkRuntime). */
  skip?: boolean;
  /** Produces the results: usually collectResults(binary, args). */
  results: () => Promise<CaseResult[]>;
  /**
   * Cases the transport cannot run in this runtime, each with the reason (shown in the
   * title): the same list as the fixture's `notApplicable` in the runtime.
   */
  notApplicable?: Record<string, string>;
}

/** Registers one test per conformance case, each checking the runtime's result for it. */
export function runtimeSuite(options: RuntimeSuiteOptions): void {
  describe.skipIf(options.skip === true)(options.title, () => {
    let results: CaseResult[] = [];
    beforeAll(async () => {
      results = await options.results();
    }, 300_000);
    for (const title of Object.keys(transportCases)) {
      const reason = options.notApplicable?.[title];
      if (reason !== undefined) {
        const name = `${title} (not applicable: ${reason})`;
        it(`declares: ${name}`, () => {
          expect(results.find((r) => r.title === name)?.skipped, "skipped in the runtime").toBe(
            true,
          );
        });
        continue;
      }
      it(title, () => {
        const result = results.find((r) => r.title === title);
        expect(result, `no result for "${title}" (skipped in the runtime?)`).toBeDefined();
        if (result?.ok !== true) throw new Error(result?.error ?? "failed");
      });
    }
  });
}
