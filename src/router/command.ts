/**
 * Command parsing: `/name args…` → `{ name, args, argv }`.
 * @module
 */
import type { CommandMatch } from "../core/context.js";

export type { CommandMatch } from "../core/context.js";

const NAME = /^[A-Za-z0-9_]{1,32}$/;

/**
 * Checks a command name at registration and returns it. Throws a `TypeError` that says
 * what to write instead, e.g. for `"/start"` or `"two words"`.
 */
export function checkCommandName(name: unknown): string {
  if (typeof name !== "string") {
    throw new TypeError(`command name must be a string, got ${typeof name}`);
  }
  if (name.startsWith("/")) {
    throw new TypeError(`command names have no slash: use '${name.slice(1)}' not '${name}'`);
  }
  if (!NAME.test(name)) {
    throw new TypeError(
      `invalid command name '${name}': use 1-32 letters, digits or underscores (e.g. 'start')`,
    );
  }
  return name;
}

/** Parses `text` as a command, or returns `undefined` when it is not one. */
export function parseCommand(text: string | undefined): CommandMatch | undefined {
  if (text === undefined || text.charCodeAt(0) !== 47 /* / */) return undefined;
  const match = /^\/([A-Za-z0-9_]{1,32})(?:@[A-Za-z0-9_]+)?(?:\s+([\s\S]*))?$/.exec(text);
  if (match === null) return undefined;
  const args = (match[2] ?? "").trim();
  return { name: match[1] as string, args, argv: args === "" ? [] : args.split(/\s+/) };
}
