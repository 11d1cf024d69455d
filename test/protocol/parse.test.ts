import { describe, expect, it } from "vitest";
import { parseUntrustedJson } from "../../src/protocol/json.js";
import { parseClientFrame } from "../../src/protocol/parse.js";

const limits = { maxTextLength: 100, maxDepth: 8 };

describe("parseClientFrame", () => {
  it("treats a frame that does not start with { as a plain message", () => {
    expect(parseClientFrame("hello", limits)).toEqual({
      ok: true,
      frame: { type: "message", text: "hello" },
    });
    expect(parseClientFrame("[1,2]", limits)).toEqual({
      ok: true,
      frame: { type: "message", text: "[1,2]" },
    });
  });

  it("validates each frame type and drops unknown fields", () => {
    expect(parseClientFrame('{"type":"message","id":"a","text":"hi","extra":1}', limits)).toEqual({
      ok: true,
      frame: { type: "message", id: "a", text: "hi" },
    });
    expect(
      parseClientFrame('{"type":"hello","token":"t","lastSeq":3,"session":"s"}', limits),
    ).toMatchObject({
      ok: true,
      frame: { type: "hello", token: "t", lastSeq: 3, session: "s" },
    });
    expect(parseClientFrame('{"type":"ack","seq":4}', limits)).toEqual({
      ok: true,
      frame: { type: "ack", seq: 4 },
    });
  });

  it.each([
    ["invalid JSON", '{"type":', "bad_request", /invalid JSON/],
    ["unknown type", '{"type":"launch"}', "bad_request", /type/],
    ["missing type", '{"text":"x"}', "bad_request", /type/],
    ["wrong field type", '{"type":"message","text":5}', "bad_request", /text/],
    ["negative seq", '{"type":"ack","seq":-1}', "bad_request", /seq/],
    ["fractional seq", '{"type":"ack","seq":1.5}', "bad_request", /seq/],
    ["empty message", '{"type":"message","id":"x"}', "bad_request", /text or data/],
    [
      "text too long",
      JSON.stringify({ type: "message", text: "x".repeat(101) }),
      "too_large",
      /too long/,
    ],
    ["plain text too long", "y".repeat(101), "too_large", /too long/],
    [
      "deep nesting",
      `{"type":"message","data":${"[".repeat(50)}${"]".repeat(50)}}`,
      "bad_request",
      /deep/,
    ],
    [
      "id too long",
      JSON.stringify({ type: "message", id: "i".repeat(200), text: "x" }),
      "bad_request",
      /id/,
    ],
  ])("rejects %s", (_name, raw, code, message) => {
    const result = parseClientFrame(raw, limits);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.code).toBe(code);
      expect(result.message).toMatch(message);
      expect(result.message.length).toBeLessThan(120);
    }
  });

  it("refers to the message id of a rejected frame", () => {
    const result = parseClientFrame('{"type":"message","id":"m1","text":42}', limits);
    expect(result).toMatchObject({ ok: false, replyTo: "m1" });
  });

  it("never echoes the offending input", () => {
    const result = parseClientFrame('{"type":"<script>alert(1)</script>"}', limits);
    expect(JSON.stringify(result)).not.toContain("<script>");
  });
});

describe("untrusted JSON", () => {
  it("drops __proto__, constructor and prototype keys at every level", () => {
    const value = parseUntrustedJson(
      '{"a":{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}},"ok":1},"__proto__":{"p":1}}',
      10,
    ) as Record<string, Record<string, unknown>>;
    expect(value.a).toEqual({ ok: 1 });
    expect(Object.keys(value)).toEqual(["a"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });

  it("counts depth outside strings only, a top-level object being depth 1", () => {
    const deep = (raw: string, limit: number) => {
      try {
        parseUntrustedJson(raw, limit);
        return false;
      } catch (error) {
        if (error instanceof RangeError) return true;
        throw error;
      }
    };
    expect(deep('{"a":"[[[[[[[[[[[[[["}', 1)).toBe(false);
    expect(deep('{"a":"\\"[[[[","b":[[[1]]]}', 3)).toBe(true);
    expect(deep('{"a":"\\"[[[[","b":[[1]]}', 3)).toBe(false);
    expect(deep("[[[]]]", 3)).toBe(false);
    expect(deep("[[[[]]]]", 3)).toBe(true);
    expect(deep('{"a":{"b":{"c":{}}}}', 3)).toBe(true);
    expect(deep('{"a":[1,{"b":2}]}', 3)).toBe(false);
    expect(deep(`[${"[".repeat(100_000)}${"]".repeat(100_000)}]`, 32)).toBe(true);
  });
});

describe("escaped forbidden keys", () => {
  it("drops __proto__ written with \\u escapes", () => {
    const value = parseUntrustedJson(
      '{"type":"message","data":{"\\u005f_proto__":{"polluted":1},"c\\u006fnstructor":{"x":1},"ok":2}}',
      10,
    ) as { data: Record<string, unknown> };
    expect(Object.keys(value.data)).toEqual(["ok"]);
    expect(Object.hasOwn(value.data, "__proto__")).toBe(false);
  });
});
