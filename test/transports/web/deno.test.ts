import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkRuntime, fixture, nodeTranscript, runScript } from "../../runtimes/helpers.js";
import { collectResults, runtimeSuite } from "../../runtimes/suite-process.js";
import { webDistMissing } from "./dist.js";

// botwire/web (built) on Deno.serve inside Deno: the conformance suite with raw-TCP clients
// (fixtures/tcp-client.js: real pause and break), and the fixture bot answering the script.
const runtime = checkRuntime("deno");
const skip = runtime.skip || webDistMissing("botwire/web in Deno");

/** Runs a fixture in Deno with a cache of its own, nothing fetched, net to 127.0.0.1 only. */
async function inDeno<T>(run: (args: string[], env: Record<string, string>) => Promise<T>) {
  const denoDir = await mkdtemp(join(tmpdir(), "botwire-deno-web-"));
  try {
    return await run(
      ["run", "--no-lock", "--no-remote", "--cached-only", "--allow-net=127.0.0.1"],
      {
        DENO_DIR: denoDir,
        DENO_NO_UPDATE_CHECK: "1",
      },
    );
  } finally {
    await rm(denoDir, { recursive: true, force: true });
  }
}

runtimeSuite({
  title: "transport conformance: botwire/web on Deno.serve, in Deno",
  skip,
  results: () =>
    inDeno((args, env) => collectResults(runtime.binary, [...args, fixture("deno-suite.js")], env)),
});

describe.skipIf(skip)("botwire/web in Deno", () => {
  it("serves the fixture bot, which answers the script exactly as in Node", {
    timeout: 180_000,
  }, async () => {
    const transcript = await inDeno((args, env) =>
      runScript(runtime.binary, [...args, fixture("deno-script.js")], env),
    );
    expect(transcript).toEqual(await nodeTranscript());
  });
});
