/**
 * Safe JSON decoding for untrusted frames: bounded nesting depth and no
 * prototype-polluting keys.
 * @module
 */

/**
 * Removes keys named `__proto__`, `constructor` or `prototype` from a parsed JSON value, in
 * place and at every level. Returns false when objects and arrays nest deeper than `depth`
 * (a top-level object is depth 1).
 *
 * Done on the parsed value rather than by scanning the text first: V8 parses JSON without
 * recursion, a chat frame is a handful of flat keys, and a key hidden behind a `\u` escape is
 * plain to see once parsed. JSON.parse stores such keys as ordinary own properties, so
 * parsing itself never touches a prototype; removing them keeps the value safe to merge.
 */
export function cleanse(value: unknown, depth: number): boolean {
  if (typeof value !== "object" || value === null) return true;
  if (depth < 1) return false;
  // Stryker disable next-line BlockStatement: equivalent — for…in over a JSON array visits its items the same way
  if (Array.isArray(value)) {
    for (const item of value) if (!cleanse(item, depth - 1)) return false;
    return true;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    if (key === "__proto__" || key === "constructor" || key === "prototype") {
      delete record[key];
    } else if (!cleanse(record[key], depth - 1)) {
      return false;
    }
  }
  return true;
}

/**
 * Parses untrusted JSON. Keys named `__proto__`, `constructor` or `prototype` are
 * dropped at every level, so the result is safe to merge into other objects.
 * Throws a `SyntaxError` for invalid JSON and a `RangeError` for too deep nesting.
 */
export function parseUntrustedJson(text: string, maxDepth: number): unknown {
  const value: unknown = JSON.parse(text);
  if (!cleanse(value, maxDepth)) throw new RangeError("nesting too deep");
  return value;
}
