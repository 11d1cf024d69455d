import { describe, expect, it } from "vitest";
import { getJson, PLAIN_WORKER, startWorkerd } from "../helpers/workerd.js";
import { checkRuntime, fixture, nodeTranscript, nodeVectors, type Transcript } from "./helpers.js";

// botwire (core), botwire/testing and botwire/word-vectors, built, in Cloudflare's workerd (the binary from
// @cloudflare/workerd-*, driven with a capnp config). fixtures/worker.js is bundled with
// esbuild; the bot is built in the worker's global scope, where workerd forbids random values
// and timers, and a request plays the conversation and answers it as JSON.
const { skip, binary } = checkRuntime("workerd");

async function runWorker<T>(entry: string): Promise<T> {
  // No Node compatibility: a node: import in the core would fail the bundle.
  const workerd = await startWorkerd(binary, fixture(entry), PLAIN_WORKER, false);
  try {
    return await getJson<T>(workerd, "/");
  } finally {
    await workerd.stop();
  }
}

describe.skipIf(skip)("the built package in workerd", () => {
  it("builds the bot at the top level and plays the conversation exactly as Node does", {
    timeout: 180_000,
  }, async () => {
    expect(await runWorker<Transcript>("worker.js")).toEqual(await nodeTranscript());
  });

  it("computes the bundled word vectors, and recognises with them, as Node does", {
    timeout: 180_000,
  }, async () => {
    expect(await runWorker("workerd-vectors.js")).toEqual(await nodeVectors());
  });
});
