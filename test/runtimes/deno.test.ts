import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkRuntime, fixture, nodeTranscript, nodeVectors, runJson } from "./helpers.js";

// botwire (core) and botwire/testing, built, in Deno: the binary from the @deno/* package.
const { skip, binary } = checkRuntime("deno");

/**
 * Runs a fixture in Deno with a cache of its own: no lockfile written, nothing fetched (the
 * package.json beside dist/ makes Deno resolve its imports from node_modules), no permissions.
 */
async function inDeno(name: string): Promise<unknown> {
  const denoDir = await mkdtemp(join(tmpdir(), "botwire-deno-"));
  try {
    return await runJson(
      binary,
      ["run", "--no-lock", "--no-remote", "--cached-only", fixture(name)],
      { DENO_DIR: denoDir, DENO_NO_UPDATE_CHECK: "1" },
    );
  } finally {
    await rm(denoDir, { recursive: true, force: true });
  }
}

describe.skipIf(skip)("the built package in Deno", () => {
  it("plays the scripted conversation exactly as Node does", { timeout: 180_000 }, async () => {
    expect(await inDeno("run.js")).toEqual(await nodeTranscript());
  });

  it("computes the bundled word vectors, and recognises with them, as Node does", {
    timeout: 180_000,
  }, async () => {
    expect(await inDeno("vectors-run.js")).toEqual(await nodeVectors());
  });
});
