/**
 * Helpers for code that is synchronous when everything it calls is (the in-memory ledger and
 * store, a handler that replies without awaiting) and asynchronous otherwise. Each `await` of
 * an already-settled value still costs a promise and a microtask; on the message hot path
 * those added up to a third of the CPU time per message. Internal.
 * @module
 */
import { isThenable, type MaybePromise } from "./types.js";

/** Marks promises that are known to be fulfilled already, and holds their value. */
const FULFILLED = Symbol("botwire.fulfilled");

type Branded<T> = Promise<T> & { [FULFILLED]?: { value: T } };

/**
 * A promise fulfilled with `value`, marked so that code which gets it back (the middleware
 * chain, `session()`, the connection's queue) can go on synchronously instead of awaiting it.
 */
export function fulfilled<T>(value: T): Promise<T> {
  const promise: Branded<T> = Promise.resolve(value);
  promise[FULFILLED] = { value };
  return promise;
}

/** The fulfilled `Promise<void>` that synchronous steps of the chain hand back. */
export const fulfilledVoid: Promise<void> = fulfilled(undefined);

/** True for a thenable that must be awaited: anything but a promise made by {@link fulfilled}. */
export function isPending(value: unknown): value is PromiseLike<unknown> {
  if (typeof value !== "object" || value === null) return false;
  if ((value as Branded<unknown>)[FULFILLED] !== undefined) return false;
  return typeof (value as { then?: unknown }).then === "function";
}

/**
 * Calls `next` with `value` (named so: a module exporting `then` would itself be a thenable
 * to `await import(…)`): right away when it is not a promise or a promise made by
 * {@link fulfilled}, else once it fulfils.
 */
export function andThen<T, R>(
  value: MaybePromise<T>,
  next: (value: T) => MaybePromise<R>,
): MaybePromise<R> {
  if (!isThenable(value)) return next(value);
  const known = (value as Branded<T>)[FULFILLED];
  return known === undefined ? value.then(next) : next(known.value);
}

/**
 * Runs `body`, then `cleanup` whether it succeeded or failed (like `try/finally`), staying
 * synchronous when `body` is. A failure of `body` wins over one of `cleanup`.
 */
export function always<T>(body: () => MaybePromise<T>, cleanup: () => void): MaybePromise<T> {
  let result: MaybePromise<T>;
  try {
    result = body();
  } catch (error) {
    cleanup();
    throw error;
  }
  if (!isPending(result)) {
    cleanup();
    return result;
  }
  return (result as Promise<T>).then(
    (value) => {
      cleanup();
      return value;
    },
    (error: unknown) => {
      cleanup();
      throw error;
    },
  );
}

/** Runs `body` and waits for it, ignoring whether it fails (a best-effort cleanup step). */
export async function quietly(body: () => unknown): Promise<void> {
  try {
    await body();
  } catch {
    // best effort: the caller is already handling an earlier failure
  }
}
