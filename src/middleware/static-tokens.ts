/**
 * `staticTokens()`: a `verify` function for a fixed set of tokens (API keys, service
 * accounts), compared in constant time.
 * @module
 */

import { safeCompare } from "../util/safe-compare.js";
import type { VerifyFn } from "./auth.js";

/**
 * Builds a `verify` function for {@link auth} from a fixed table of tokens. Every token is
 * compared with {@link safeCompare}, and all of them are checked whatever the outcome, so
 * the time taken does not reveal which token, or which prefix, was close.
 *
 * @param tokens - token → user, as an object or a `Map`
 * @example
 * ```ts
 * bot.use(auth({ verify: staticTokens({ [process.env.BOT_TOKEN!]: { id: "ops" } }) }));
 * ```
 */
export function staticTokens<U>(
  tokens: Readonly<Record<string, U>> | ReadonlyMap<string, U>,
): VerifyFn<U> {
  if (typeof tokens !== "object" || tokens === null) {
    throw new TypeError("staticTokens(tokens): tokens must be an object or a Map of token → user");
  }
  const entries = [...(tokens instanceof Map ? tokens.entries() : Object.entries(tokens))];
  for (const [token, user] of entries) {
    if (typeof token !== "string" || token.length < 8) {
      throw new RangeError("staticTokens(): every token must be a string of at least 8 characters");
    }
    if (user === undefined || user === null) {
      throw new TypeError("staticTokens(): every token needs a user value");
    }
  }
  return (candidate) => {
    let found: U | undefined;
    for (const [token, user] of entries) {
      // No early exit: every entry costs the same whether or not an earlier one matched.
      if (safeCompare(candidate, token) && found === undefined) found = user;
    }
    return found;
  };
}
