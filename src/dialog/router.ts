/**
 * The dialog router: the middleware `bot.dialog()` installs at its place in the chain.
 * @module
 */
import type { MiddlewareFn } from "../core/compose.js";
import type { Context } from "../core/context.js";
import { DialogController } from "./control.js";
import type { DialogDefinition } from "./types.js";

/**
 * @internal Hands a message to the current step of the active dialog, if that dialog is
 * one of `dialogs` (those registered on the same composer); otherwise passes it on.
 * Middleware registered earlier (e.g. `/cancel`) has already run by the time it does.
 */
export function dialogRouter(
  dialogs: ReadonlyMap<string, DialogDefinition>,
): MiddlewareFn<Context> {
  return async function dialogRouter(ctx, next) {
    if (ctx.update !== "message") return next();
    // Reading ctx.dialog throws a clear error when session() is missing.
    const control = ctx.dialog;
    if (!(control instanceof DialogController)) {
      throw new Error(
        "bot.dialog(): ctx.dialog was replaced; dialogs need the session() middleware",
      );
    }
    const active = control.active;
    const definition = active === undefined ? undefined : dialogs.get(active);
    if (definition === undefined) return next();
    await control.runCurrent(definition);
  };
}
