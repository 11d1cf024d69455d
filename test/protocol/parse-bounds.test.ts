import { describe, expect, it } from "vitest";
import { fastClientFrame } from "../../src/protocol/fast-frame.js";
import { parseUntrustedJson } from "../../src/protocol/json.js";
import { parseClientFrame } from "../../src/protocol/parse.js";

const limits = { maxTextLength: 100, maxDepth: 8 };
const parse = (raw: string) => parseClientFrame(raw, limits);
const message = (fields: Record<string, unknown>) => JSON.stringify({ type: "message", ...fields });

describe("parseClientFrame: the text length limit", () => {
  it("accepts a plain text of exactly maxTextLength and refuses one more", () => {
    expect(parse("y".repeat(100))).toEqual({
      ok: true,
      frame: { type: "message", text: "y".repeat(100) },
    });
    expect(parse("y".repeat(101))).toEqual({
      ok: false,
      code: "too_large",
      message: "text too long",
    });
  });

  it("accepts a message text of exactly maxTextLength and refuses one more, naming its id", () => {
    expect(parse(message({ id: "m1", text: "x".repeat(100) }))).toEqual({
      ok: true,
      frame: { type: "message", id: "m1", text: "x".repeat(100) },
    });
    expect(parse(message({ id: "m1", text: "x".repeat(101) }))).toEqual({
      ok: false,
      code: "too_large",
      message: "text too long",
      replyTo: "m1",
    });
    expect(parse(message({ text: "x".repeat(101) }))).toEqual({
      ok: false,
      code: "too_large",
      message: "text too long",
    });
  });

  it("a message with data and no text is fine; one with neither is refused, naming its id", () => {
    expect(parse(message({ data: { a: 1 } }))).toEqual({
      ok: true,
      frame: { type: "message", data: { a: 1 } },
    });
    expect(parse(message({ data: null }))).toEqual({
      ok: true,
      frame: { type: "message", data: null },
    });
    expect(parse(message({ id: "m2" }))).toEqual({
      ok: false,
      code: "bad_request",
      message: "message needs text or data",
      replyTo: "m2",
    });
  });
});

describe("parseClientFrame: what counts as a JSON frame", () => {
  it.each([
    ["a space", " "],
    ["a tab", "\t"],
    ["a newline", "\n"],
    ["a carriage return", "\r"],
    ["mixed blanks", " \r\n\t "],
  ])("a { after %s is a JSON frame", (_name, blank) => {
    expect(parse(`${blank}{"type":"ack","seq":3}`)).toEqual({
      ok: true,
      frame: { type: "ack", seq: 3 },
    });
    expect(parse(`${blank}{"type":`)).toMatchObject({ ok: false, message: "invalid JSON" });
  });

  it.each([
    ["a vertical tab", "\v{}"],
    ["a letter", "x{}"],
    ["blanks only", " \t"],
    ["an empty frame", ""],
    ["a JSON array", "[1]"],
  ])("%s before or instead of { is plain text", (_name, raw) => {
    expect(parse(raw)).toEqual({ ok: true, frame: { type: "message", text: raw } });
  });
});

describe("parseClientFrame: errors name the refused message", () => {
  const invalid = (id: unknown) => JSON.stringify({ type: "message", id, text: 5 });

  it("echoes an id of 1 to 128 characters as replyTo", () => {
    expect(parse(invalid("a"))).toMatchObject({ ok: false, replyTo: "a" });
    expect(parse(invalid("i".repeat(128)))).toMatchObject({ ok: false, replyTo: "i".repeat(128) });
  });

  it.each([
    ["an empty id", ""],
    ["an id of 129 characters", "i".repeat(129)],
    ["a numeric id", 7],
    ["an object id", { x: 1 }],
    ["no id", undefined],
  ])("does not echo %s", (_name, id) => {
    const result = parse(invalid(id));
    expect(result.ok).toBe(false);
    expect(result).not.toHaveProperty("replyTo");
  });

  it("echoes the id of any refused frame type", () => {
    expect(parse('{"type":"hello","token":5,"id":"h1"}')).toEqual({
      ok: false,
      code: "bad_request",
      message: 'invalid field "token": expected string',
      replyTo: "h1",
    });
  });

  it("describes the first issue by field, without echoing the input", () => {
    expect(parse('{"type":"launch","id":"z"}')).toEqual({
      ok: false,
      code: "bad_request",
      message: 'invalid field "type": expected ("hello" | "message" | "ack" | "cancel")',
      replyTo: "z",
    });
    expect(parse('{"type":"ack","seq":1.5}')).toEqual({
      ok: false,
      code: "bad_request",
      message: 'invalid field "seq": expected valid value',
    });
    expect(parse('{"type":"ack","seq":-1}')).toEqual({
      ok: false,
      code: "bad_request",
      message: 'invalid field "seq": expected >=0',
    });
  });

  it("tells invalid JSON from too deep nesting", () => {
    expect(parse('{"type":"message","text":"x"')).toEqual({
      ok: false,
      code: "bad_request",
      message: "invalid JSON",
    });
    expect(parse(message({ data: [[[[[[[[["deep"]]]]]]]]] }))).toEqual({
      ok: false,
      code: "bad_request",
      message: "frame nested too deeply",
    });
    expect(parse(message({ data: [[[[[[["ok"]]]]]]] }))).toMatchObject({ ok: true });
  });
});

describe("fastClientFrame: the hand-checked common frames", () => {
  it("answers a message with an id of 1 to 128 characters, and leaves other ids to valibot", () => {
    expect(fastClientFrame({ type: "message", id: "a", text: "t" })).toStrictEqual({
      type: "message",
      id: "a",
      text: "t",
    });
    const longest = "i".repeat(128);
    expect(fastClientFrame({ type: "message", id: longest, text: "t" })).toStrictEqual({
      type: "message",
      id: longest,
      text: "t",
    });
    for (const id of ["", "i".repeat(129), 5, null]) {
      expect(fastClientFrame({ type: "message", id, text: "t" })).toBeUndefined();
    }
    expect(fastClientFrame({ type: "message", text: 5 })).toBeUndefined();
  });

  it("copies only the fields a message has, data only when present", () => {
    expect(fastClientFrame({ type: "message", text: "t", extra: 1 })).toStrictEqual({
      type: "message",
      text: "t",
    });
    expect(fastClientFrame({ type: "message", data: undefined })).toStrictEqual({
      type: "message",
      data: undefined,
    });
    expect(fastClientFrame({ type: "message", data: 0 })).toStrictEqual({
      type: "message",
      data: 0,
    });
  });

  it("answers an ack with a safe integer seq of 0 or more", () => {
    expect(fastClientFrame({ type: "ack", seq: 0 })).toStrictEqual({ type: "ack", seq: 0 });
    expect(fastClientFrame({ type: "ack", seq: 7, x: 1 })).toStrictEqual({ type: "ack", seq: 7 });
    for (const seq of [-1, 1.5, 2 ** 53, "3", undefined]) {
      expect(fastClientFrame({ type: "ack", seq })).toBeUndefined();
    }
  });

  it("leaves everything else to valibot", () => {
    for (const value of [null, 1, "message", { type: "hello" }, { type: "hello", seq: 1 }, {}]) {
      expect(fastClientFrame(value)).toBeUndefined();
    }
  });
});

describe("parseUntrustedJson", () => {
  it("a null or string at the depth limit is not nesting", () => {
    expect(parseUntrustedJson('{"a":null,"b":"x","c":1}', 1)).toEqual({ a: null, b: "x", c: 1 });
    expect(parseUntrustedJson('[null,"x"]', 1)).toEqual([null, "x"]);
  });

  it("drops a key named prototype (not only inside constructor)", () => {
    const value = parseUntrustedJson('{"a":{"prototype":{"x":1},"ok":1},"prototype":2}', 5);
    expect(value).toEqual({ a: { ok: 1 } });
  });

  it("throws a RangeError that says why", () => {
    expect(() => parseUntrustedJson("[[1]]", 1)).toThrow(new RangeError("nesting too deep"));
  });
});
