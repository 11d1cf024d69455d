/** A value or a promise of it. */
export type MaybePromise<T> = T | Promise<T>;

/** True for a promise or any other thenable. */
export function isThenable<T>(value: MaybePromise<T>): value is Promise<T> {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}
