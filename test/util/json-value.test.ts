import { describe, expect, it } from "vitest";
import { jsonEqual, toJsonValue } from "../../src/util/json-value.js";

const viaText = (value: unknown) => {
  const text = JSON.stringify(value);
  return text === undefined ? undefined : JSON.parse(text);
};

class Point {
  constructor(
    public x: number,
    public y: number,
  ) {}
  get sum() {
    return this.x + this.y;
  }
}

// An array with a hole at index 1, as `[1, , 3]` would make.
const holes: unknown[] = [1];
holes[2] = 3;

const CASES: Array<[string, unknown]> = [
  ["primitives", [1, "two", true, false, null, 0, -0, 1.5e300]],
  [
    "non-finite numbers",
    { a: Number.NaN, b: Number.POSITIVE_INFINITY, c: [Number.NEGATIVE_INFINITY] },
  ],
  [
    "undefined, functions, symbols",
    { a: undefined, b: () => 1, c: Symbol("s"), d: [undefined, () => 1, Symbol("t")] },
  ],
  ["array holes", holes],
  ["dates", { at: new Date(1_700_000_000_000), bad: new Date(Number.NaN) }],
  [
    "toJSON",
    { a: { toJSON: (key: string) => `key was ${key}` }, b: [{ toJSON: () => undefined }] },
  ],
  ["boxed primitives", [Object(1), Object("s"), Object(false)]],
  ["class instances, Map, Set", { p: new Point(1, 2), m: new Map([[1, 2]]), s: new Set([1]) }],
  ["integer-like keys first", { b: 1, 2: "two", a: 3, 1: "one" }],
  ["nested", { data: { count: 3, tags: ["x", "y"], deep: { deeper: { deepest: [[[]]] } } } }],
  ["a string", "just text"],
  ["top-level undefined", undefined],
  ["top-level function", () => 1],
];

describe("toJsonValue", () => {
  it.each(CASES)("gives what a JSON round trip gives: %s", (_, value) => {
    expect(toJsonValue(value)).toStrictEqual(viaText(value));
    if (typeof value === "object" && value !== null) {
      expect(Object.keys(toJsonValue(value) as object)).toEqual(Object.keys(viaText(value)));
    }
  });

  it("keeps a __proto__ key as an own property, never as the prototype", () => {
    const parsed = JSON.parse('{"__proto__":{"polluted":true},"ok":1}');
    const copy = toJsonValue(parsed) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.hasOwn(copy, "__proto__")).toBe(true);
    expect(copy).toStrictEqual(viaText(parsed));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("handles deep nesting and functions with toJSON as the round trip does", () => {
    let deep: unknown = { leaf: [1, Number.NaN, undefined] };
    for (let i = 0; i < 1500; i++) deep = i % 2 ? { next: deep } : [deep];
    expect(toJsonValue(deep)).toStrictEqual(viaText(deep));
    const fn = Object.assign(() => 1, { toJSON: (key: string) => `fn at ${key}` });
    expect(toJsonValue({ fn, list: [fn] })).toStrictEqual(viaText({ fn, list: [fn] }));
    // A cycle deep down is still a TypeError.
    const ring: Record<string, unknown> = {};
    let node = ring;
    for (let i = 0; i < 300; i++) {
      const child: Record<string, unknown> = {};
      node.child = child;
      node = child;
    }
    node.back = ring;
    expect(() => toJsonValue(ring)).toThrow(TypeError);
  });

  it("makes a deep copy that shares nothing with its input", () => {
    const input = { a: { b: [1, { c: 2 }] } };
    const copy = toJsonValue(input) as typeof input;
    (copy.a.b[1] as { c: number }).c = 99;
    expect(input.a.b[1]).toEqual({ c: 2 });
  });

  it("throws a TypeError for BigInt and cycles, as JSON.stringify does", () => {
    expect(() => toJsonValue({ n: 10n })).toThrow(TypeError);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => toJsonValue(cycle)).toThrow(TypeError);
    // The same object twice, not nested in itself, is not a cycle.
    const shared = { x: 1 };
    expect(toJsonValue([shared, shared])).toStrictEqual([{ x: 1 }, { x: 1 }]);
  });

  it("agrees with the JSON round trip on random nested values", () => {
    let x = 7;
    const rand = (n: number) => {
      x = (x * 1103515245 + 12345) % 2147483648;
      return x % n;
    };
    const make = (depth: number): unknown => {
      switch (rand(depth > 3 ? 6 : 9)) {
        case 0:
          return rand(1000) - 500;
        case 1:
          return `s${rand(50)}`;
        case 2:
          return rand(2) === 0;
        case 3:
          return null;
        case 4:
          return undefined;
        case 5:
          return rand(3) === 0 ? Number.NaN : -0;
        case 6:
          return Array.from({ length: rand(4) }, () => make(depth + 1));
        case 7: {
          const out: Record<string, unknown> = {};
          for (let i = rand(4); i > 0; i--)
            out[rand(3) === 0 ? String(rand(5)) : `k${rand(9)}`] = make(depth + 1);
          return out;
        }
        default:
          return new Date(rand(1e9) * 1000);
      }
    };
    for (let n = 0; n < 2000; n++) {
      const value = make(0);
      expect(toJsonValue(value)).toStrictEqual(viaText(value));
    }
  });
});

describe("jsonEqual", () => {
  it("compares JSON values deeply, whatever the key order", () => {
    expect(jsonEqual({ a: [1, { b: "x" }], c: null }, { c: null, a: [1, { b: "x" }] })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(jsonEqual({ a: 1, b: 2 }, { a: 1, c: 2 })).toBe(false);
    expect(jsonEqual([1, 2], [1, 2, 3])).toBe(false);
    expect(jsonEqual([], {})).toBe(false);
    expect(jsonEqual({}, [])).toBe(false);
    expect(jsonEqual(null, {})).toBe(false);
    expect(jsonEqual("1", 1)).toBe(false);
    expect(jsonEqual({ a: { b: { c: [1] } } }, { a: { b: { c: [2] } } })).toBe(false);
  });
});
