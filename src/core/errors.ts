/**
 * Errors: one type per boundary. Anything a handler throws reaches `bot.catch` as a
 * {@link BotError} that carries the original error and the context.
 * @module
 */
import type { Context } from "./context.js";

/**
 * An error thrown by middleware while handling an update. The client only ever sees an
 * `internal` error frame with a generic message; the details stay on the server.
 */
export class BotError<C extends Context = Context> extends Error {
  /**
   * @param error - what the middleware threw (any value)
   * @param ctx - the context of the update being handled
   */
  constructor(
    readonly error: unknown,
    readonly ctx: C,
  ) {
    super(describe(error, ctx), { cause: error });
    this.name = "BotError";
  }
}

function describe(error: unknown, ctx: Context): string {
  return `Error in middleware while handling a ${ctx.update} update: ${printable(error)}`;
}

/**
 * A short text for any thrown value, never throwing itself: `String()` throws for some
 * (`Object.create(null)`, a `toString` that throws), and reporting must not fail on them.
 */
export function printable(error: unknown): string {
  try {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } catch {
    return Object.prototype.toString.call(error);
  }
}

/** Options of {@link ClientError}. */
export interface ClientErrorOptions {
  /** For `rate_limited`: when the client may send again. */
  retryAfterMs?: number;
  /** Also close the connection with this code (e.g. 4429) after the error frame. */
  closeCode?: number;
}

/** Throw this from middleware to send a specific error frame instead of `internal`. */
export class ClientError extends Error {
  /**
   * @param code - the error frame code, e.g. `"bad_request"` or `"rate_limited"`
   * @param message - text that is safe to show the client
   * @param options - `retryAfterMs` for `rate_limited`, `closeCode` to also close the connection
   */
  constructor(
    readonly code: "bad_request" | "unauthorized" | "rate_limited" | "too_large" | "internal",
    message: string,
    readonly options: ClientErrorOptions = {},
  ) {
    super(message);
    this.name = "ClientError";
  }
}
