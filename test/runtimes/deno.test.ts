import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  checkRuntime,
  fixture,
  nodeTranscript,
  nodeVectors,
  runJson,
  runScript,
} from "./helpers.js";

// botwire (core) and botwire/testing, built, in Deno: the binary from the @deno/* package.
const { skip, binary } = checkRuntime("deno");

describe.skipIf(skip)("the built package in Deno", () => {
  it("plays the scripted conversation exactly as Node does", { timeout: 180_000 }, async () => {
    // A cache of its own; no lockfile written; nothing fetched (the package.json beside
    // dist/ makes Deno resolve its imports from node_modules). No permissions are granted.
    const denoDir = await mkdtemp(join(tmpdir(), "botwire-deno-"));
    try {
      const transcript = await runScript(
        binary,
        ["run", "--no-lock", "--no-remote", "--cached-only", fixture("run.js")],
        { DENO_DIR: denoDir, DENO_NO_UPDATE_CHECK: "1" },
      );
      expect(transcript).toEqual(await nodeTranscript());
    } finally {
      await rm(denoDir, { recursive: true, force: true });
    }
  });

  it("computes the bundled word vectors, and recognises with them, as Node does", async () => {
    const denoDir = await mkdtemp(join(tmpdir(), "botwire-deno-"));
    try {
      const run = await runJson(
        binary,
        ["run", "--no-lock", "--no-remote", "--cached-only", fixture("vectors-run.js")],
        { DENO_DIR: denoDir, DENO_NO_UPDATE_CHECK: "1" },
      );
      expect(run).toEqual(await nodeVectors());
    } finally {
      await rm(denoDir, { recursive: true, force: true });
    }
  }, 180_000);
});
