/**
 * The narrowed contexts of `command()`, `hears()` and `intent()` handlers.
 * @module
 */
import type { Context } from "./context.js";
import type { CommandMatch, IntentMatch } from "./matches.js";

/** The context inside a `command()` handler: `ctx.command` is set. */
export type CommandContext<C extends Context = Context> = C & {
  /** The parsed command (always set in a `command()` handler). */
  command: CommandMatch;
};

/** The context inside a `hears()` handler: `ctx.match` is set. */
export type HearsContext<C extends Context = Context> = C & {
  /** The match of the text against the trigger (always set in a `hears()` handler). */
  match: RegExpExecArray;
};

/** The context inside an `intent()` handler: `ctx.intent` is set. */
export type IntentContext<C extends Context = Context> = C & {
  /** The recognised intent (always set in an `intent()` handler). */
  intent: IntentMatch;
};
