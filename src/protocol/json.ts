/**
 * Safe JSON decoding for untrusted frames: bounded nesting depth and no
 * prototype-polluting keys.
 * @module
 */

const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Returns the deepest nesting of objects/arrays in a JSON text, stopping early once
 * `limit` is exceeded. Strings are skipped, so brackets inside them do not count.
 */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      // Jump over the string with a native search (strings are most of a chat frame): the
      // closing quote is the first one preceded by an even number of backslashes.
      let end = text.indexOf('"', i + 1);
      while (end !== -1 && isEscaped(text, end)) end = text.indexOf('"', end + 1);
      if (end === -1) return false;
      i = end;
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > limit) return true;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      depth--;
    }
  }
  return false;
}

/** Whether the character at `at` follows an odd number of backslashes. */
function isEscaped(text: string, at: number): boolean {
  let n = 0;
  while (text.charCodeAt(at - 1 - n) === 92 /* \ */) n++;
  return n % 2 === 1;
}

function dropForbidden(this: unknown, key: string, value: unknown): unknown {
  // Returning undefined from a reviver deletes the key from its parent.
  return FORBIDDEN_KEYS.has(key) ? undefined : value;
}

/**
 * Parses untrusted JSON. Keys named `__proto__`, `constructor` or `prototype` are
 * dropped at every level, so the result is safe to merge into other objects.
 * Throws a `SyntaxError` for invalid JSON and a `RangeError` for too deep nesting.
 */
export function parseUntrustedJson(text: string, maxDepth: number): unknown {
  if (jsonDepthExceeds(text, maxDepth)) throw new RangeError("nesting too deep");
  // The reviver is slow, so only pay for it when a forbidden key can be present — written
  // out, or hidden behind a \u escape ("\u005f_proto__").
  const suspicious =
    text.includes("\\u") ||
    text.includes("__proto__") ||
    text.includes("constructor") ||
    text.includes("prototype");
  return suspicious ? JSON.parse(text, dropForbidden) : JSON.parse(text);
}
