/**
 * Text helpers the built-in middleware uses, for your own handlers and middleware:
 * HTML escaping for web views of bot text, a constant-time string compare for secrets, the
 * question normalisation behind `cache()` and the tokenizer behind `bot.intent()`.
 *
 * @example
 * ```ts
 * import { html, normalizeQuestion, safeCompare } from "botwire/text";
 *
 * const item = html`<li>${message.text}</li>`; // message text is escaped
 * const sameQuestion = normalizeQuestion("What are your HOURS?!") === "what are your hours";
 * const allowed = safeCompare(token, process.env.ADMIN_TOKEN ?? "");
 * ```
 * @module botwire/text
 */

export { defaultCacheKey, normalizeQuestion } from "../middleware/cache-key.js";
export { normalizeText, tokenize } from "../router/intent/text.js";
export { safeCompare } from "../util/safe-compare.js";
export { escapeHtml, html } from "../util/sanitize.js";
