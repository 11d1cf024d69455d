/**
 * The middleware engine: a few plain functions, no classes.
 * @module
 */
import { fulfilledVoid, isPending } from "../util/maybe.js";
import type { MaybePromise } from "../util/types.js";

/** Calls the rest of the chain. Resolves when everything after this middleware has finished. */
export type NextFunction = () => Promise<void>;

/** A middleware function: do work, then call `next()` to pass control on (or don't, to stop). */
export type MiddlewareFn<C> = (ctx: C, next: NextFunction) => unknown;

/** An object that can produce a middleware function, such as a {@link Composer}. */
export interface MiddlewareObj<C> {
  /** Returns the middleware function this object stands for. */
  middleware(): MiddlewareFn<C>;
}

/** Anything that can be passed to `use`: a function or a middleware object. */
export type Middleware<C> = MiddlewareFn<C> | MiddlewareObj<C>;

/** A condition on a context; may narrow the context type. */
export type Predicate<C> = (ctx: C) => MaybePromise<boolean>;

const done: NextFunction = () => fulfilledVoid;

/** Turns a {@link Middleware} into a plain function. */
export function flatten<C>(mw: Middleware<C>): MiddlewareFn<C> {
  return typeof mw === "function" ? mw : (ctx, next) => mw.middleware()(ctx, next);
}

/**
 * Composes middleware functions into one that runs them in order. Each one receives a
 * `next` that runs the rest; calling `next()` twice from the same middleware throws.
 */
export function compose<C>(stack: readonly MiddlewareFn<C>[]): MiddlewareFn<C> {
  // Stryker disable next-line ConditionalExpression,BlockStatement: equivalent — a fast path; the general one does the same for one middleware
  if (stack.length === 1) {
    const only = stack[0] as MiddlewareFn<C>;
    return (ctx, next) => guard(only, ctx, next);
  }
  return (ctx, next) => {
    const step = (i: number): Promise<void> => {
      const fn = stack[i];
      if (fn === undefined) return next();
      return guard(fn, ctx, () => step(i + 1));
    };
    return step(0);
  };
}

const toVoid = (): void => undefined;

// Not `async`: a middleware that returns synchronously (a predicate that did not match, a
// handler with no promise, one that returns `ctx.reply(…)` answered by the in-memory ledger)
// then costs no promise and no microtask hops, and the caller sees `fulfilledVoid` and goes
// on synchronously. Same outcome as `await fn(...)`: a sync throw becomes a rejection, a
// thenable is adopted.
function guard<C>(fn: MiddlewareFn<C>, ctx: C, next: NextFunction): Promise<void> {
  let called = false;
  let result: unknown;
  try {
    result = fn(ctx, () => {
      if (called) throw new Error("next() called multiple times in the same middleware");
      called = true;
      return next();
    });
  } catch (error) {
    return Promise.reject(error);
  }
  if (!isPending(result)) return fulfilledVoid;
  // A native promise is passed through as is (its value is ignored by every caller).
  // Stryker disable next-line ConditionalExpression: equivalent as `false` — only the resolved value differs, and no caller reads it
  if (result instanceof Promise) return result as Promise<void>;
  return Promise.resolve(result).then(toVoid);
}

/**
 * Runs middleware on a context with nothing after it. Returns `fulfilledVoid` when the
 * whole chain finished synchronously (check with `isPending`).
 */
export function run<C>(mw: MiddlewareFn<C>, ctx: C): Promise<void> {
  return guard(mw, ctx, done);
}
