/**
 * Constant-time comparison of secrets, in plain JavaScript so the core runs in browsers too
 * (no `node:crypto`).
 * @module
 */

const encoder = new TextEncoder();

/**
 * Compares two strings in time that depends only on their lengths, never on where they
 * first differ, so an attacker cannot find a token byte by byte by timing the answers.
 * The strings are compared as UTF-8 bytes.
 *
 * @param a - one secret, e.g. the token a client sent
 * @param b - the other, e.g. the token you expect
 * @returns true when both are the same sequence of bytes
 * @example
 * ```ts
 * if (!safeCompare(token, process.env.ADMIN_TOKEN ?? "")) throw new Error("no");
 * ```
 */
export function safeCompare(a: string, b: string): boolean {
  if (typeof a !== "string" || typeof b !== "string") return false;
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  // Walk the longer input completely; a length mismatch is folded into the result
  // instead of returning early.
  const length = Math.max(x.length, y.length);
  let diff = x.length ^ y.length;
  for (let i = 0; i < length; i++) {
    diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  }
  return diff === 0;
}
