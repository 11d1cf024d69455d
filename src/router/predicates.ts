/**
 * The predicates behind `on`, `command` and `hears`. Each routing verb of a Composer is
 * `filter(predicate, ...middleware)`; these are exported so you can combine them.
 * @module
 */
import type { Context, UpdateKind } from "../core/context.js";
import type { CommandContext, HearsContext } from "../core/narrowed.js";
import { checkCommandName, parseCommand } from "./command.js";

/** What `hears` accepts: an exact text, a regular expression, or a list of them. */
export type Trigger = string | RegExp;

/** True for updates of the given kind(s): `"message"`, `"connect"` or `"disconnect"`. */
export function isUpdate(kinds: UpdateKind | readonly UpdateKind[]): (ctx: Context) => boolean {
  const list: readonly UpdateKind[] = Array.isArray(kinds) ? kinds : [kinds as UpdateKind];
  for (const kind of list) {
    if (kind !== "message" && kind !== "connect" && kind !== "disconnect") {
      throw new TypeError(
        `unknown update '${String(kind)}': use "message", "connect" or "disconnect"`,
      );
    }
  }
  const route = `on:${list.join(",")}`;
  if (list.length === 1) {
    const only = list[0];
    return (ctx) => {
      if (ctx.update !== only) return false;
      ctx.route = route;
      return true;
    };
  }
  return (ctx) => {
    if (!list.includes(ctx.update)) return false;
    ctx.route = route;
    return true;
  };
}

/**
 * True for a message that is one of the given commands; sets `ctx.command`.
 * Names are written without the slash; an unknown command does not match.
 */
export function isCommand(
  names: string | readonly string[],
): <C extends Context>(ctx: C) => ctx is CommandContext<C> {
  const list = (Array.isArray(names) ? names : [names]).map(checkCommandName);
  if (list.length === 0) throw new TypeError("command() needs at least one name");
  // Made once, not per message: the route (for telemetry) of each name.
  const routes = new Map(list.map((name) => [name, `command:${name}`]));
  return <C extends Context>(ctx: C): ctx is CommandContext<C> => {
    if (ctx.update !== "message") return false;
    const command = parseCommand(ctx.text);
    const route = command === undefined ? undefined : routes.get(command.name);
    if (route === undefined) return false;
    ctx.command = command;
    ctx.route = route;
    return true;
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * True for a message whose text matches a trigger; sets `ctx.match`. A string matches
 * the whole text exactly; a RegExp matches anywhere (use `^…$` to anchor it).
 */
export function matchesText(
  triggers: Trigger | readonly Trigger[],
): <C extends Context>(ctx: C) => ctx is HearsContext<C> {
  const list = Array.isArray(triggers) ? (triggers as readonly Trigger[]) : [triggers as Trigger];
  if (list.length === 0) throw new TypeError("hears() needs at least one string or RegExp");
  const regexps = list.map((t) => {
    if (typeof t === "string") return new RegExp(`^${escapeRegExp(t)}$`);
    if (t instanceof RegExp) return t;
    throw new TypeError(`hears() takes strings or RegExps, got ${typeof t}`);
  });
  // The route (for telemetry) of each trigger: its text or pattern, cut short.
  const routes = list.map((t) => `hears:${typeof t === "string" ? t : String(t)}`.slice(0, 64));
  return <C extends Context>(ctx: C): ctx is HearsContext<C> => {
    const text = ctx.text;
    if (ctx.update !== "message" || text === undefined) return false;
    for (let i = 0; i < regexps.length; i++) {
      const re = regexps[i] as RegExp;
      re.lastIndex = 0; // global and sticky RegExps keep state between calls
      const match = re.exec(text);
      if (match !== null) {
        ctx.match = match;
        ctx.route = routes[i];
        return true;
      }
    }
    return false;
  };
}
