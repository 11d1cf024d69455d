/**
 * What the routing verbs find in a message: a parsed command, a recognised intent.
 * @module
 */

/** A parsed command, available as `ctx.command` in a `command()` handler. */
export interface CommandMatch {
  /** The command name without the slash, e.g. `"echo"`. */
  name: string;
  /** Everything after the name, trimmed; `""` when there is nothing. */
  args: string;
  /** `args` split on whitespace; `[]` when there is nothing. */
  argv: string[];
}

/** A recognised intent, set on `ctx.intent` by `bot.intent(...)`. */
export interface IntentMatch {
  /** The intent name. */
  name: string;
  /** Confidence between 0 and 1. */
  score: number;
}
