import { describe, expect, it } from "vitest";
import { isTraceparent } from "../../src/protocol/index.js";
import { parseClientFrame } from "../../src/protocol/parse.js";

const limits = { maxTextLength: 8192, maxDepth: 32 };
const VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
const parse = (frame: object) => parseClientFrame(JSON.stringify(frame), limits);

describe("traceparent in frames", () => {
  it("accepts a W3C version 00 traceparent and nothing else", () => {
    expect(isTraceparent(VALID)).toBe(true);
    for (const bad of [
      VALID.toUpperCase(),
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
      "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      `${VALID}-extra`,
      VALID.slice(1),
      42,
      undefined,
    ]) {
      expect(isTraceparent(bad)).toBe(false);
    }
  });

  it("keeps a valid one on message (fast path) and hello (schema path)", () => {
    expect(parse({ type: "message", id: "a", text: "hi", traceparent: VALID })).toEqual({
      ok: true,
      frame: { type: "message", id: "a", text: "hi", traceparent: VALID },
    });
    const hello = parse({ type: "hello", session: "s", traceparent: VALID });
    expect(hello.ok && hello.frame).toMatchObject({ type: "hello", traceparent: VALID });
  });

  it("drops an invalid one instead of refusing the frame", () => {
    const message = parse({ type: "message", text: "hi", traceparent: "nope" });
    expect(message).toEqual({ ok: true, frame: { type: "message", text: "hi" } });
    // A frame the fast path leaves to valibot (a non-string text would fail it) still drops it.
    const viaSchema = parse({ type: "message", text: "hi", data: 1, traceparent: 7 });
    expect(viaSchema.ok && viaSchema.frame.type === "message" && viaSchema.frame.traceparent).toBe(
      undefined,
    );
    const hello = parse({ type: "hello", traceparent: { evil: true } });
    expect(hello.ok).toBe(true);
    expect(hello.ok && "traceparent" in hello.frame && hello.frame.traceparent).toBeFalsy();
  });
});
