import { describe, expect, it } from "vitest";
import * as run from "./helpers.js";

// botwire (core) and botwire/testing, built, in Bun: the binary from the @oven/bun-* package.
const { skip, binary } = run.checkRuntime("bun");

describe.skipIf(skip)("the built package in Bun", () => {
  it("plays the scripted conversation exactly as Node does", { timeout: 180_000 }, async () => {
    // --no-install: never fetch a package; the dist imports resolve from node_modules.
    const transcript = await run.runScript(binary, ["--no-install", run.fixture("run.js")]);
    expect(transcript).toEqual(await run.nodeTranscript());
  });

  it("computes the bundled word vectors, and recognises with them, as Node does", {
    timeout: 180_000,
  }, async () => {
    const vectors = await run.runJson(binary, ["--no-install", run.fixture("vectors-run.js")]);
    expect(vectors).toEqual(await run.nodeVectors());
  });
});
