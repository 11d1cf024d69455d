import { describe, expect, it } from "vitest";
import { fixture, nodeTranscript, runScript } from "../../runtimes/helpers.js";
import { collectResults, runtimeSuite } from "../../runtimes/suite-process.js";
import { bunRuntime } from "./runtime.js";

// botwire/bun (built) in Bun: the binary from the @oven/bun-* package. --no-install: never
// fetch a package; the dist imports resolve from node_modules.
const { skip, binary } = bunRuntime();

runtimeSuite({
  title: "transport conformance: botwire/bun in Bun",
  skip,
  // The suite's own client is tcp-client.js over node:net: it really stops reading (the
  // slow-reader case) and really breaks the protocol (an unmasked frame).
  results: () => collectResults(binary, ["--no-install", fixture("bun-suite.js")]),
});

describe.skipIf(skip)("the fixture bot on botwire/bun in Bun", () => {
  it("answers the scripted conversation over WebSockets exactly as Node does in memory", {
    timeout: 180_000,
  }, async () => {
    const transcript = await runScript(binary, ["--no-install", fixture("bun-conversation.js")]);
    expect(transcript).toEqual(await nodeTranscript());
  });
});
