/**
 * Composer: builds a middleware tree with routing verbs. `Bot` extends it.
 * @module
 */
import { isCommand, isUpdate, matchesText, type Trigger } from "../router/predicates.js";
import {
  compose,
  flatten,
  type Middleware,
  type MiddlewareFn,
  type MiddlewareObj,
  type Predicate,
} from "./compose.js";
import type { Context, UpdateKind } from "./context.js";
import { type HandshakeHook, handshakeOf } from "./handshake.js";

/**
 * A tree of middleware with routing helpers. Every routing verb (`on`, `command`,
 * `hears`, …) is `filter(predicate, ...middleware)`. A matching handler ends the chain
 * unless it calls `next()`; a non-matching one passes the message on.
 *
 * @example
 * ```ts
 * const admin = new Composer();
 * admin.command("stats", (ctx) => ctx.reply("42 users"));
 * bot.filter((ctx) => ctx.user?.role === "admin", admin);
 * ```
 */
export class Composer<C extends Context = Context> implements MiddlewareObj<C> {
  private readonly stack: MiddlewareFn<C>[] = [];
  private readonly children: Composer<C>[] = [];
  private readonly hooks: HandshakeHook[] = [];
  private handler: MiddlewareFn<C> | undefined;

  /** @param middleware - middleware to install right away, as with `use` */
  constructor(...middleware: Middleware<C>[]) {
    if (middleware.length > 0) this.use(...middleware);
  }

  /** Returns this composer's middleware (it reflects later registrations too). */
  middleware(): MiddlewareFn<C> {
    return (ctx, next) => {
      this.handler ??= compose(this.stack);
      return this.handler(ctx, next);
    };
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
      this.stack.push(flatten(mw));
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
    this.stack.push(async (ctx, next) => {
      if (await predicate(ctx)) await inner(ctx, next);
      else await next();
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
  command(names: string | readonly string[], ...middleware: Middleware<C>[]): Composer<C> {
    return this.filter(isCommand(names), ...middleware);
  }

  /**
   * Handles messages whose text matches. A string matches the whole text exactly; a
   * RegExp matches anywhere. Sets `ctx.match`.
   */
  hears(trigger: Trigger | readonly Trigger[], ...middleware: Middleware<C>[]): Composer<C> {
    return this.filter(matchesText(trigger), ...middleware);
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
