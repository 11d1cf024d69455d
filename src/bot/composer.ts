/**
 * Composer: builds a middleware tree with routing verbs. `Bot` extends it.
 * @module
 */

import {
  compose,
  flatten,
  type Middleware,
  type MiddlewareFn,
  type MiddlewareObj,
  type Predicate,
} from "../core/compose.js";
import type { Context, UpdateKind } from "../core/context.js";
import { type HandshakeHook, handshakeOf } from "../core/handshake.js";
import type { CommandContext, HearsContext, IntentContext } from "../core/narrowed.js";
import { defineDialog } from "../dialog/define.js";
import { dialogRouter } from "../dialog/router.js";
import type { DialogDefinition, DialogFlavor, DialogOptions, DialogStep } from "../dialog/types.js";
import { checkIntent, type IntentExamples, isIntent } from "../router/intent/predicate.js";
import { isCommand, isUpdate, matchesText, type Trigger } from "../router/predicates.js";

/**
 * A tree of middleware with routing helpers. Every routing verb (`on`, `command`,
 * `hears`, …) is `filter(predicate, ...middleware)`. A matching handler ends the chain
 * unless it calls `next()`; a non-matching one passes the message on.
 *
 * @example
 * ```ts
 * type Ctx = Context & AuthFlavor<{ id: string; role: string }>;
 * const admin = new Composer<Ctx>();
 * admin.command("stats", (ctx) => ctx.reply("42 users"));
 * bot.filter((ctx) => ctx.user?.role === "admin", admin); // bot: a Bot<Ctx>
 * ```
 */
export class Composer<C extends Context = Context> implements MiddlewareObj<C> {
  private readonly stack: MiddlewareFn<C>[] = [];
  private readonly children: Composer<C>[] = [];
  private readonly hooks: HandshakeHook[] = [];
  /** @internal The examples of this composer's own `intent()` registrations. */
  readonly intentExamples: IntentExamples[] = [];
  private readonly dialogs = new Map<string, DialogDefinition>();
  private handler: MiddlewareFn<C> | undefined;
  /** The middleware of `use()` (not routes), with the names their spans get. */
  private readonly named = new Map<MiddlewareFn<C>, string>();
  /** Wraps each `use()` middleware when set (the bot's telemetry: see `bot/timed.ts`). */
  protected timing: ((mw: MiddlewareFn<C>, name: string) => MiddlewareFn<C>) | undefined;

  /** @param middleware - middleware to install right away, as with `use` */
  constructor(...middleware: Middleware<C>[]) {
    if (middleware.length > 0) this.use(...middleware);
  }

  /** Returns this composer's middleware (it reflects later registrations too). */
  middleware(): MiddlewareFn<C> {
    return (ctx, next) => {
      this.handler ??= this.composeStack();
      return this.handler(ctx, next);
    };
  }

  /** The stack as one function, each `use()` middleware timed when the bot has telemetry. */
  private composeStack(): MiddlewareFn<C> {
    const { timing } = this;
    return compose(
      timing === undefined ? this.stack : this.stack.map((fn) => this.timed(fn, timing)),
    );
  }

  /** `fn` wrapped by `timing` when it came from `use()` (routes are the message's route). */
  private timed(fn: MiddlewareFn<C>, timing: NonNullable<Composer<C>["timing"]>): MiddlewareFn<C> {
    const name = this.named.get(fn);
    return name === undefined ? fn : timing(fn, name);
  }

  /**
   * Registers middleware that runs for every update (message, connect, disconnect).
   * @param middleware - functions `(ctx, next) => …` or composers
   * @returns this composer, for chaining
   */
  use(...middleware: Middleware<C>[]): this {
    if (middleware.length === 0) throw new TypeError("use() needs at least one middleware");
    for (const mw of middleware) {
      if (typeof mw !== "function" && (typeof mw !== "object" || mw === null)) {
        throw new TypeError(`middleware must be a function or a Composer, got ${typeof mw}`);
      }
      if (mw instanceof Composer) this.children.push(mw);
      const hook = handshakeOf(mw);
      if (hook !== undefined) this.hooks.push(hook);
      const fn = flatten(mw);
      this.named.set(fn, middlewareName(mw, this.named.size));
      this.stack.push(fn);
    }
    this.handler = undefined;
    return this;
  }

  /**
   * Runs `middleware` only for updates where `predicate` holds; others pass on.
   * @param predicate - a sync or async condition on the context
   * @param middleware - what to run when it holds
   */
  filter<D extends C>(predicate: (ctx: C) => ctx is D, ...middleware: Middleware<D>[]): Composer<D>;
  filter(predicate: Predicate<C>, ...middleware: Middleware<C>[]): Composer<C>;
  filter(predicate: Predicate<C>, ...middleware: Middleware<C>[]): Composer<C> {
    if (typeof predicate !== "function") throw new TypeError("filter() needs a predicate function");
    const branch = new Composer<C>(...middleware);
    const inner = branch.middleware();
    this.children.push(branch);
    // Not async: most predicates answer synchronously, and each await is a microtask hop
    // per registered route per message.
    this.stack.push((ctx, next) => {
      const matched = predicate(ctx);
      if (typeof matched === "boolean") return matched ? inner(ctx, next) : next();
      return Promise.resolve(matched).then((ok) => (ok ? inner(ctx, next) : next()));
    });
    this.handler = undefined;
    return branch;
  }

  /**
   * Handles updates of a kind: `"message"` (every message not handled before — a
   * fallback), `"connect"` (after the welcome) or `"disconnect"`.
   */
  on(update: UpdateKind | readonly UpdateKind[], ...middleware: Middleware<C>[]): Composer<C> {
    return this.filter(isUpdate(update), ...middleware);
  }

  /**
   * Handles `/name args` messages. Sets `ctx.command` to `{ name, args, argv }`.
   * @param names - a name or aliases, without the slash: `"start"`, `["help", "h"]`
   */
  command(
    names: string | readonly string[],
    ...middleware: Middleware<CommandContext<C>>[]
  ): Composer<CommandContext<C>> {
    return this.filter(isCommand(names), ...middleware);
  }

  /**
   * Handles messages whose text matches. A string matches the whole text exactly; a
   * RegExp matches anywhere. Sets `ctx.match`.
   */
  hears(
    trigger: Trigger | readonly Trigger[],
    ...middleware: Middleware<HearsContext<C>>[]
  ): Composer<HearsContext<C>> {
    return this.filter(matchesText(trigger), ...middleware);
  }

  /**
   * Handles messages recognised as the intent `name`. The bot's recognizer learns from the
   * `examples` of every `intent()` (4–6 typical phrasings each work well) and sets
   * `ctx.intent` to `{ name, score }`. Earlier `command`/`hears` handlers take precedence.
   * @param name - the intent name
   * @param examples - example phrasings, e.g. `["when are you open", "opening hours"]`
   * @example
   * ```ts
   * bot.intent("hours", ["when are you open", "opening hours", "what time do you close"],
   *   (ctx) => ctx.reply("9am to 5pm, Monday to Friday"));
   * ```
   */
  intent(
    name: string,
    examples: readonly string[],
    ...middleware: Middleware<IntentContext<C>>[]
  ): Composer<IntentContext<C>> {
    this.intentExamples.push(checkIntent(name, examples));
    // The recognizer answers asynchronously, so its predicate cannot be a type guard; it
    // sets ctx.intent before the branch runs, which is what the narrowed type says.
    const route = `intent:${name}`;
    const mark: MiddlewareFn<C> = (ctx, next) => {
      ctx.route = route; // for telemetry: only when the intent matched
      return next();
    };
    const branch = this.filter(isIntent(name), mark, ...(middleware as Middleware<C>[]));
    return branch as unknown as Composer<IntentContext<C>>;
  }

  /**
   * Registers a dialog: a sequence of steps, each handling one message. Start it with
   * `ctx.dialog.enter(name)` (runs step 0 with the current message); each later message of
   * the session goes to the current step, which moves on when it returns unless it called
   * `ctx.dialog.repeat()` or `ctx.dialog.exit()`. The dialog is routed at this point of the
   * chain, so middleware registered earlier (e.g. `command("cancel")`) still runs first.
   * Needs `session()`, where the dialog's state is kept.
   * @typeParam T - the shape of `ctx.dialog.state` inside the steps
   * @param name - the dialog's name, unique within the bot
   * @param steps - one handler per step
   * @param options - see {@link DialogOptions}
   * @example
   * ```ts
   * bot.command("cancel", (ctx) => { ctx.dialog.exit(); return ctx.reply("Cancelled."); });
   * bot.dialog<{ name?: string }>("signup", [
   *   (ctx) => ctx.reply("Your name?"),
   *   (ctx) => { ctx.dialog.state.name = ctx.text ?? ""; return ctx.reply("Thanks!"); },
   * ]);
   * bot.command("signup", (ctx) => ctx.dialog.enter("signup"));
   * ```
   */
  dialog<T extends object = Record<string, unknown>>(
    name: string,
    steps: readonly DialogStep<C & DialogFlavor<T>>[],
    options: DialogOptions = {},
  ): this {
    const definition = defineDialog(name, steps, options);
    if (this.findDialog(name) !== undefined) {
      throw new TypeError(`bot.dialog("${name}"): a dialog of that name is already registered`);
    }
    if (this.dialogs.size === 0) this.use(dialogRouter(this.dialogs));
    this.dialogs.set(name, definition);
    return this;
  }

  /** @internal Finds a dialog registered on this composer or any composer below it. */
  findDialog(name: string): DialogDefinition | undefined {
    let found: DialogDefinition | undefined;
    this.walk((composer) => {
      found ??= composer.dialogs.get(name);
    });
    return found;
  }

  /** @internal Collects the intent examples of this composer and all composers below it. */
  collectIntents(): IntentExamples[] {
    const all: IntentExamples[] = [];
    this.walk((composer) => all.push(...composer.intentExamples));
    return all;
  }

  /** @internal Collects the handshake hooks of this composer and all composers below it. */
  collectHooks(into: HandshakeHook[] = []): HandshakeHook[] {
    into.push(...this.hooks);
    for (const child of this.children) child.collectHooks(into);
    return into;
  }

  /** @internal Visits this composer and all composers below it, depth first. */
  walk(visit: (composer: Composer<C>) => void): void {
    visit(this);
    for (const child of this.children) child.walk(visit);
  }
}

/**
 * A middleware's name for telemetry: its function's name, `composer` for a Composer,
 * `use#<n>` for an anonymous one.
 */
function middlewareName<C extends Context>(mw: Middleware<C>, index: number): string {
  if (typeof mw !== "function") return mw instanceof Composer ? "composer" : `use#${index}`;
  const { name } = mw;
  return name === "" || name === "anonymous" ? `use#${index}` : name.slice(0, 64);
}
