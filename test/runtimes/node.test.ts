import { describe, expect, it } from "vitest";
import { checkRuntime, nodeTranscript } from "./helpers.js";

// The reference run: the fixture conversation in Node, against the built package. The
// workerd, Bun and Deno tests expect exactly this transcript.
const { skip } = checkRuntime("node");

describe.skipIf(skip)("the runtime fixture conversation in Node (dist/)", () => {
  it("answers every scripted message as expected", async () => {
    expect(await nodeTranscript()).toEqual({
      alice: [
        ["/echo hi there", ["hi there"]],
        ["/echo", ["nothing to echo"]],
        ["Hi bot", ["Hello there!"]],
        ["/count", ["count 1"]],
        ["/count", ["count 2"]],
        ["/signup", ["What is your name?"]],
        ["Ada", ["Welcome, Ada!"]],
        ["when are you open?", ["intent hours"]],
        ["what are your opening hours", ["intent hours"]],
        ["xyzzy", ["fallback: xyzzy"]],
      ],
      bob: [["/count", ["count 1"]]],
    });
  });
});
