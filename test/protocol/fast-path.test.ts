import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { fastClientFrame } from "../../src/protocol/fast-frame.js";
import { ClientFrameSchema } from "../../src/protocol/frames.js";
import { parseUntrustedJson } from "../../src/protocol/json.js";
import { parseClientFrame } from "../../src/protocol/parse.js";

const limits = { maxTextLength: 100, maxDepth: 8 };
const long = (n: number) => "x".repeat(n);

// Frames the hand-written fast path must agree on with the valibot schema: every field
// combination, every wrong type, every boundary, hostile keys.
const CASES: unknown[] = [
  { type: "message", text: "hi" },
  { type: "message", id: "a", text: "hi" },
  { type: "message", id: "a", text: "hi", extra: 1, more: { x: 1 } },
  { type: "message", id: "a", data: { n: 1 } },
  { type: "message", id: "a", text: "", data: null },
  { type: "message", data: [1, 2, { a: "b" }] },
  { type: "message", id: "a", text: "hi", data: { __proto__: { polluted: true }, ok: 1 } },
  { type: "message", id: "a", text: "hi", constructor: { prototype: { polluted: true } } },
  { type: "message" },
  { type: "message", id: "a" },
  { type: "message", id: "", text: "hi" },
  { type: "message", id: long(128), text: "hi" },
  { type: "message", id: long(129), text: "hi" },
  { type: "message", id: 5, text: "hi" },
  { type: "message", id: null, text: "hi" },
  { type: "message", id: ["a"], text: "hi" },
  { type: "message", text: 5 },
  { type: "message", text: null },
  { type: "message", text: { toString: "x" } },
  { type: "message", text: long(101) },
  { type: "message", id: "big", text: long(100) },
  { type: "Message", text: "hi" },
  { type: ["message"], text: "hi" },
  { type: "ack", seq: 0 },
  { type: "ack", seq: 7, extra: true },
  { type: "ack", seq: -0 },
  { type: "ack", seq: -1 },
  { type: "ack", seq: 1.5 },
  { type: "ack", seq: "3" },
  { type: "ack", seq: null },
  { type: "ack" },
  { type: "ack", seq: Number.MAX_SAFE_INTEGER },
  { type: "ack", seq: 2 ** 53 },
  { type: "ack", seq: 1e300 },
  { type: "hello" },
  { type: "hello", session: "s", lastSeq: 3, token: "t" },
  { type: "hello", lastSeq: -1 },
  { type: "launch" },
  { text: "no type" },
  {},
  [],
  [{ type: "message", text: "hi" }],
];
const RAW = [
  ...CASES.map((c) => JSON.stringify(c)),
  '{"type":"message","id":"a","text":"hi","__proto__":{"polluted":true}}',
  '{"type":"message","text":"a","text":5}',
  '{"type":"message","text":5,"text":"a"}',
  '{"type":"ack","seq":1e2}',
  '{"type":"ack","seq":3.0}',
  '  {"type":"message","text":"leading blanks"}',
  '{"type":"message","data":[[[[[[[[[1]]]]]]]]]}',
  '{"type":"message","text":"x"',
];

/** parseClientFrame as it was before the fast path: valibot decides everything. */
function reference(raw: string) {
  if (!raw.trimStart().startsWith("{")) return { ok: true, frame: { type: "message", text: raw } };
  let json: unknown;
  try {
    json = parseUntrustedJson(raw, limits.maxDepth);
  } catch {
    return { ok: false };
  }
  const result = v.safeParse(ClientFrameSchema, json);
  if (!result.success) return { ok: false };
  const frame = result.output;
  if (frame.type === "message") {
    if (frame.text !== undefined && frame.text.length > limits.maxTextLength) return { ok: false };
    if (frame.text === undefined && frame.data === undefined) return { ok: false };
  }
  return { ok: true, frame };
}

describe("fast path for message and ack frames", () => {
  it.each(RAW)("agrees with the valibot schema on %s", (raw) => {
    const expected = reference(raw);
    const actual = parseClientFrame(raw, limits);
    expect(actual.ok).toBe(expected.ok);
    if (actual.ok && expected.ok) expect(actual.frame).toStrictEqual(expected.frame);
  });

  it("returns exactly the schema's output whenever it answers, and answers the common frames", () => {
    let answered = 0;
    for (const raw of RAW) {
      let json: unknown;
      try {
        json = parseUntrustedJson(raw, limits.maxDepth);
      } catch {
        continue;
      }
      const fast = fastClientFrame(json);
      if (fast === undefined) continue;
      answered++;
      const result = v.safeParse(ClientFrameSchema, json);
      expect(result.success).toBe(true);
      expect(fast).toStrictEqual(result.output);
    }
    expect(answered).toBeGreaterThan(15);
    expect(fastClientFrame({ type: "message", id: "1", text: "hi" })).toStrictEqual({
      type: "message",
      id: "1",
      text: "hi",
    });
    expect(fastClientFrame({ type: "ack", seq: 3 })).toStrictEqual({ type: "ack", seq: 3 });
  });

  it("still rejects bad input that looks like a message", () => {
    for (const frame of [
      { type: "message", id: 5, text: "hi" },
      { type: "message", id: "", text: "hi" },
      { type: "message", id: long(129), text: "hi" },
      { type: "message", text: 5 },
      { type: "ack", seq: -1 },
      { type: "ack", seq: 0.5 },
    ]) {
      expect(fastClientFrame(frame)).toBeUndefined();
      expect(parseClientFrame(JSON.stringify(frame), limits)).toMatchObject({
        ok: false,
        code: "bad_request",
      });
    }
    expect(
      parseClientFrame(JSON.stringify({ type: "message", text: long(101) }), limits),
    ).toMatchObject({
      ok: false,
      code: "too_large",
    });
  });

  it("drops unknown and prototype-polluting keys", () => {
    const result = parseClientFrame(
      '{"type":"message","id":"a","text":"hi","__proto__":{"x":1},"data":{"constructor":{"prototype":{"y":2}},"z":3},"extra":1}',
      limits,
    );
    expect(result).toStrictEqual({
      ok: true,
      frame: { type: "message", id: "a", text: "hi", data: { z: 3 } },
    });
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
