import { describe, expect, it } from "vitest";
import {
  checkRuntime,
  fixture,
  nodeTranscript,
  nodeVectors,
  runJson,
  runScript,
} from "./helpers.js";

// botwire (core) and botwire/testing, built, in Bun: the binary from the @oven/bun-* package.
const { skip, binary } = checkRuntime("bun");

describe.skipIf(skip)("the built package in Bun", () => {
  it("plays the scripted conversation exactly as Node does", { timeout: 180_000 }, async () => {
    // --no-install: never fetch a package; the dist imports resolve from node_modules.
    const transcript = await runScript(binary, ["--no-install", fixture("run.js")]);
    expect(transcript).toEqual(await nodeTranscript());
  });

  it("computes the bundled word vectors, and recognises with them, as Node does", async () => {
    const run = await runJson(binary, ["--no-install", fixture("vectors-run.js")]);
    expect(run).toEqual(await nodeVectors());
  });
});
