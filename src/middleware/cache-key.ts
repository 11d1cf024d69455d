/**
 * The default key of `cache()`: the message text, normalised.
 * @module
 */
import type { Context } from "../core/context.js";

/**
 * Normalises a question so trivial differences hit the same entry: Unicode NFKC, lower
 * case, runs of whitespace as one space, no leading/trailing space, no trailing
 * punctuation (`?`, `!`, `.`, `…`, `,`, `;`, `:`).
 * @param text - the message text
 * @example
 * ```ts
 * normalizeQuestion("  What are your   HOURS?! ") // "what are your hours"
 * ```
 */
export function normalizeQuestion(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim()
    .replace(/[\s.!?,;:\u2026\u00bf\u00a1\u061f\u3002\uff01\uff1f]+$/u, "");
}

/**
 * The default cache key: the normalised text of a text-only message, or `undefined`
 * (not cacheable) for messages with `data`, without text, or for other updates.
 * @param ctx - the context of the message
 */
export function defaultCacheKey(ctx: Context): string | undefined {
  const text = ctx.text;
  if (ctx.update !== "message" || text === undefined || ctx.data !== undefined) return undefined;
  const key = normalizeQuestion(text);
  return key === "" ? undefined : key;
}
