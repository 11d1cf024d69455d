/**
 * Timing a `bot.use()` middleware for telemetry: how long it works before it passes on (calls
 * `next`) or ends — where `auth`, `rateLimit`, `cache` and `session` do their store calls.
 * Only with a `telemetry` option; without one the bot's chain is not wrapped at all.
 * @module
 */
import type { MiddlewareFn } from "../core/compose.js";
import type { Context } from "../core/context.js";
import { isThenable } from "../util/types.js";

/** Wraps `mw` so a message's telemetry hears when it began and when it passed on or ended. */
export function timedMiddleware<C extends Context>(
  mw: MiddlewareFn<C>,
  name: string,
): MiddlewareFn<C> {
  return (ctx, next) => {
    const trace = ctx.trace;
    if (trace?.middleware === undefined) return mw(ctx, next);
    let done: (() => void) | undefined = trace.middleware(name);
    const finish = () => {
      done?.();
      done = undefined;
    };
    const passOn = () => {
      finish();
      return next();
    };
    let result: ReturnType<MiddlewareFn<C>>;
    try {
      result = mw(ctx, passOn);
    } catch (error) {
      finish();
      throw error;
    }
    if (done === undefined) return result;
    if (!isThenable(result)) {
      finish();
      return result;
    }
    return Promise.resolve(result).then(finish, (error: unknown) => {
      finish();
      throw error;
    });
  };
}
