/**
 * JSON values without the text in between: `toJsonValue(x)` gives what
 * `JSON.parse(JSON.stringify(x))` gives, as a fresh copy, and `jsonEqual` compares two such
 * values. The in-memory store keeps values this way: a copy on every read and write (so a
 * handler never shares an object with the store) and the same normalisation every store's
 * JSON applies, at a fraction of the cost of printing and re-parsing text — on the message
 * hot path `session()` copies, normalises and compares the session once per update.
 * @module
 */

/**
 * A deep copy of `value` as JSON would carry it: `toJSON()` is called, boxed primitives are
 * unwrapped, non-finite numbers become `null`, `undefined`, functions and symbols are left
 * out of objects (and become `null` in arrays), only own enumerable string keys are kept.
 * Returns `undefined` where `JSON.stringify` would. Throws a `TypeError` for a BigInt or a
 * circular structure, as `JSON.stringify` does.
 */
export function toJsonValue(value: unknown): unknown {
  return copy(value, "", 0, true);
}

/**
 * Below this nesting the copy hands over to `JSON.stringify` + `JSON.parse`: cheaper than
 * keeping the chain of ancestors to detect a cycle (which the round trip reports with the
 * usual TypeError), and no session nests this deep.
 */
const TEXT_DEPTH = 200;

/** The JSON round trip of `value` as the property `key` of its holder (for `toJSON(key)`). */
function viaText(value: unknown, key: string): unknown {
  const holder = JSON.parse(JSON.stringify({ [key]: value })) as Record<string, unknown>;
  return holder[key];
}

function copy(value: unknown, key: string, depth: number, callToJSON: boolean): unknown {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      // JSON has no NaN, Infinity or -0.
      return Number.isFinite(value) ? value + 0 : null;
    case "object":
      return value === null ? null : copyObject(value, key, depth, callToJSON);
    case "bigint": {
      const toJSON = (value as { toJSON?: unknown }).toJSON; // BigInt.prototype.toJSON, if defined
      if (callToJSON && typeof toJSON === "function") {
        return copy(toJSON.call(value, key), key, depth, false);
      }
      throw new TypeError("Do not know how to serialize a BigInt");
    }
    case "function": {
      const toJSON = (value as { toJSON?: unknown }).toJSON;
      if (callToJSON && typeof toJSON === "function") {
        return copy(toJSON.call(value, key), key, depth, false);
      }
      return undefined;
    }
    default:
      return undefined; // undefined, symbol
  }
}

function copyObject(value: object, key: string, depth: number, callToJSON: boolean): unknown {
  if (callToJSON) {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === "function") return copy(toJSON.call(value, key), key, depth, false);
  }
  if (depth >= TEXT_DEPTH) return viaText(value, key);
  if (Array.isArray(value)) {
    const array = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = copy(value[i], String(i), depth + 1, true);
      array[i] = item === undefined ? null : item;
    }
    return array;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    // Boxed primitives serialise as their primitive.
    if (value instanceof Number) return copy(Number(value), key, depth, false);
    if (value instanceof String) return String(value);
    if (value instanceof Boolean) return value.valueOf();
    if (typeof BigInt === "function" && value instanceof BigInt) {
      return copy(value.valueOf(), key, depth, false);
    }
  }
  const source = value as Record<string, unknown>;
  const object: Record<string, unknown> = {};
  for (const name in source) {
    if (!Object.hasOwn(source, name)) continue;
    const item = copy(source[name], name, depth + 1, true);
    if (item === undefined) continue;
    if (name === "__proto__") {
      // An own property, as JSON.parse makes it, never the object's prototype.
      Object.defineProperty(object, name, {
        value: item,
        writable: true,
        enumerable: true,
        configurable: true,
      });
    } else {
      object[name] = item;
    }
  }
  return object;
}

/** Whether two JSON values (as `toJsonValue` or `JSON.parse` make them) are equal. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  let keys = 0;
  for (const key in left) {
    if (!Object.hasOwn(left, key)) continue;
    if (!Object.hasOwn(right, key) || !jsonEqual(left[key], right[key])) return false;
    keys++;
  }
  for (const key in right) if (Object.hasOwn(right, key)) keys--;
  return keys === 0;
}
