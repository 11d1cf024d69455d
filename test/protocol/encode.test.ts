import { describe, expect, it } from "vitest";
import { encodeMessage } from "../../src/protocol/encode.js";
import type { OutgoingMessage } from "../../src/protocol/frames.js";

/** encodeMessage as it was before the string fast path: one JSON.stringify of an object. */
function reference(seq: number, body: OutgoingMessage, replyTo?: string): string {
  const frame: Record<string, unknown> = { type: "message", seq };
  if (replyTo !== undefined) frame.replyTo = replyTo;
  if (body.text !== undefined) frame.text = body.text;
  if (body.data !== undefined) frame.data = body.data;
  return JSON.stringify(frame);
}

const TEXTS = [
  undefined,
  "",
  "plain",
  'quotes " and \\ backslashes',
  "controls \n\t\r\b\f \u0000 \u001f",
  "unicode é 漢字 🎉 \u2028\u2029",
  "lone surrogate \ud800 end",
  "</script><script>alert(1)</script>",
];

describe("encodeMessage", () => {
  it("writes byte for byte what JSON.stringify of the frame object gives", () => {
    for (const seq of [0, 1, 42, Number.MAX_SAFE_INTEGER]) {
      for (const text of TEXTS) {
        for (const replyTo of [undefined, "id-1", 'we"ird\n']) {
          const body: OutgoingMessage = text === undefined ? {} : { text };
          expect(encodeMessage(seq, body, replyTo)).toBe(reference(seq, body, replyTo));
          const withData = { ...body, data: { a: [1, null, "x"], b: text ?? null } };
          expect(encodeMessage(seq, withData, replyTo)).toBe(reference(seq, withData, replyTo));
        }
      }
    }
  });

  it("keeps JSON.stringify's handling of values that are not strings", () => {
    const odd = [
      { text: 5 },
      { text: () => "x" },
      { text: null },
      { text: "x", data: null },
    ] as unknown as OutgoingMessage[];
    for (const body of odd) expect(encodeMessage(3, body, "r")).toBe(reference(3, body, "r"));
    expect(() => JSON.parse(encodeMessage(3, odd[1] as OutgoingMessage))).not.toThrow();
  });

  it("produces frames a client parses back to the same fields", () => {
    const frame = JSON.parse(encodeMessage(7, { text: 'a"b\u2028' }, "m1"));
    expect(frame).toStrictEqual({ type: "message", seq: 7, replyTo: "m1", text: 'a"b\u2028' });
  });
});
