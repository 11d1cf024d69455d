/**
 * Errors of the session middleware. They reach `bot.catch`; the client gets `internal`.
 * @module
 */

/** Thrown when a session's lock could not be taken within `lock.waitMs`. */
export class SessionLockTimeoutError extends Error {
  /** @param waitMs - how long it waited */
  constructor(readonly waitMs: number) {
    super(`session(): another handler held this session's lock for more than ${waitMs} ms`);
    this.name = "SessionLockTimeoutError";
  }
}

/**
 * Thrown after a handler when its session changed in the store since it was read: this
 * handler's lock lease had lapsed (a stalled process, or the store was unreachable for
 * longer than `lock.leaseMs`) and another process wrote meanwhile. The other write is
 * kept; this handler's changes are discarded rather than overwriting it.
 */
export class SessionConflictError extends Error {
  /** @param key - the session key */
  constructor(readonly key: string) {
    super(
      `session(): session "${key}" was written by another handler meanwhile; changes discarded`,
    );
    this.name = "SessionConflictError";
  }
}
