/**
 * Errors a storage backend reports to the bot.
 * @module
 */

/**
 * Thrown by a ledger when a session no longer exists: it expired, was evicted, or the
 * store lost its data (a Redis restart without persistence). The bot then closes the
 * connection with 1011, so the client reconnects, gets a fresh session and re-sends what
 * was not confirmed.
 */
export class SessionLostError extends Error {
  /** @param session - the session id (only its first characters appear in the message) */
  constructor(session: string) {
    super(`session ${session.slice(0, 8)}… no longer exists`);
    this.name = "SessionLostError";
  }
}

/** Whether `error` is a {@link SessionLostError} (a session gone from the ledger). Internal. */
export function isSessionLost(error: unknown): boolean {
  return error instanceof SessionLostError;
}
