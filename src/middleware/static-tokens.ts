/**
 * `staticTokens()`: a `verify` function for a fixed set of tokens (API keys, service
 * accounts), compared in constant time.
 * @module
 */

import { safeCompare } from "../util/safe-compare.js";
import type { VerifyFn } from "./auth.js";

/** Fewest characters a static token may have: guessing must be hopeless. */
const MIN_TOKEN_LENGTH = 16;

/** Why `token` cannot be a secret, or `undefined` when it can. */
function weakness(token: unknown): string | undefined {
  if (typeof token !== "string") return "is not a string";
  if (token.trim() === "") return "is empty";
  if (token === "undefined" || token === "null") {
    return (
      `is the text "${token}": an unset environment variable used as a key ` +
      `(\`{ [process.env.BOT_TOKEN!]: user }\`) becomes it. Set the variable, or fail at startup without it`
    );
  }
  if (token.length < MIN_TOKEN_LENGTH) {
    return (
      `has ${token.length} characters; use at least ${MIN_TOKEN_LENGTH} characters ` +
      "(e.g. 32 random bytes in hex: `openssl rand -hex 32`)"
    );
  }
  return undefined;
}

/**
 * Builds a `verify` function for {@link auth} from a fixed table of tokens. Every token is
 * compared with {@link safeCompare}, and all of them are checked whatever the outcome, so
 * the time taken does not reveal which token, or which prefix, was close.
 *
 * @param tokens - token → user, as an object or a `Map`. Every token must have at least 16
 *   characters; empty tokens and the texts `"undefined"`/`"null"` (what an unset environment
 *   variable becomes as an object key) are refused with a `TypeError`.
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
  entries.forEach(([token, user], index) => {
    const problem = weakness(token);
    if (problem !== undefined) {
      // The token itself is never printed: error messages end up in logs.
      throw new TypeError(`staticTokens(): token #${index + 1} ${problem}`);
    }
    if (user === undefined || user === null) {
      throw new TypeError(`staticTokens(): token #${index + 1} needs a user value`);
    }
  });
  return (candidate) => {
    let found: U | undefined;
    for (const [token, user] of entries) {
      // No early exit: every entry costs the same whether or not an earlier one matched.
      if (safeCompare(candidate, token) && found === undefined) found = user;
    }
    return found;
  };
}
