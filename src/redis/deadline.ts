/**
 * Deadlines for Redis operations: a store, ledger or broker call that Redis does not answer
 * in time fails with a {@link RedisTimeoutError}, so the bot answers with an `internal`
 * error frame instead of leaving the client waiting (a frozen or black-holed Redis keeps its
 * TCP connection open, and ioredis then waits for the reply for ever).
 * @module
 */

/** The default of `commandTimeoutMs`: how long one store, ledger or broker call may take. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 2000;

/** The longest delay `setTimeout` takes (a longer one fires at once). */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * A Redis operation did not complete within `commandTimeoutMs`. The command may still run
 * on the server later (it was sent, or is queued in ioredis' offline queue).
 */
export class RedisTimeoutError extends Error {
  /** Always `"RedisTimeoutError"`. */
  override readonly name = "RedisTimeoutError";

  /**
   * @param operation - the call that timed out, e.g. `RedisLedger.claim`
   * @param timeoutMs - the deadline it missed
   */
  constructor(
    readonly operation: string,
    readonly timeoutMs: number,
  ) {
    super(`${operation}: Redis did not answer within ${timeoutMs} ms (commandTimeoutMs)`);
  }
}

/**
 * Checks a `commandTimeoutMs` option: a positive number of milliseconds, or `Infinity` for
 * no deadline.
 * @param where - the class whose option it is, for the error message
 */
export function commandTimeout(value: number | undefined, where: string): number {
  if (value === undefined) return DEFAULT_COMMAND_TIMEOUT_MS;
  const valid = value === Number.POSITIVE_INFINITY || (value > 0 && value <= MAX_TIMER_MS);
  if (typeof value !== "number" || !valid) {
    throw new RangeError(
      `${where}: options.commandTimeoutMs must be a positive number of ms (or Infinity), got ${String(value)}`,
    );
  }
  return value;
}

/**
 * Settles like `operation`, or rejects with a {@link RedisTimeoutError} once `timeoutMs`
 * passed first. A late outcome of `operation` is then ignored (it never becomes an
 * unhandled rejection).
 */
export function withDeadline<T>(
  operation: Promise<T>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  if (timeoutMs === Number.POSITIVE_INFINITY) return operation;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new RedisTimeoutError(what, timeoutMs)), timeoutMs);
    operation.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
