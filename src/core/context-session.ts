/**
 * `ctx.session` and `ctx.history`, and the errors of a context without `session()`.
 * @module
 */
import type { SessionBinding } from "./context-init.js";

/** @internal Throws the clear error for a context that `session()` did not bind. */
export function unbound(binding: null | undefined, what: string): never {
  if (binding === undefined) {
    throw new Error(
      `ctx.${what} needs the session() middleware: add bot.use(session({ initial })) before your handlers and bot.dialog()`,
    );
  }
  throw new Error(
    `ctx.${what}: this update has no session (session({ getKey }) returned undefined)`,
  );
}

interface Bindable {
  bound(what: string): SessionBinding;
}

/**
 * @internal Adds `session` and `history` to the context's prototype. They are typed by
 * `SessionFlavor<S>`; declaring them on the class too would intersect with the flavor
 * (`readonly unknown[] & readonly Turn[]`, which breaks array methods), so they are added
 * untyped.
 */
export function installSessionAccessors(prototype: Bindable): void {
  Object.defineProperties(prototype, {
    session: {
      configurable: true,
      get(this: Bindable) {
        return this.bound("session").record.data;
      },
      set(this: Bindable, value: unknown) {
        this.bound("session").record.data = value;
      },
    },
    history: {
      configurable: true,
      get(this: Bindable) {
        return this.bound("history").record.history ?? [];
      },
    },
  });
}
