/**
 * Middleware factories: authentication, validation, FAQ cache, rate limits, and helpers.
 * @module
 */

export { safeCompare } from "../util/safe-compare.js";
export { escapeHtml, html } from "../util/sanitize.js";
export { type AuthFlavor, type AuthOptions, auth, type VerifyFn } from "./auth.js";
export { type CacheMiddleware, type CacheOptions, type CacheStats, cache } from "./cache.js";
export { defaultCacheKey, normalizeQuestion } from "./cache-key.js";
export { type RateLimitKey, type RateLimitOptions, rateLimit } from "./rate-limit.js";
export { staticTokens } from "./static-tokens.js";
export {
  type AnySchema,
  type ValidateMiddleware,
  type ValidateOptions,
  type ValidateTarget,
  validate,
} from "./validate.js";
