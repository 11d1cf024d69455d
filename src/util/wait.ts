/**
 * The wait a refusal asks for, and whether a client ignored it. Shared by the flood guard
 * and `rateLimit()`, so both judge a client by the same rule.
 * @module
 */

/**
 * How long after a refusal a client may still send without counting as ignoring it: its
 * messages already on the way, and the time the refusal takes to reach it.
 */
export const REFUSAL_GRACE_MS = 1000;

/**
 * A client's current wait. A message ignores it when it arrives more than
 * {@link REFUSAL_GRACE_MS} after the wait's first refusal was sent and before the wait is
 * over; a burst sent before any refusal could arrive never does.
 */
export class RefusalWait {
  /** When the first refusal of the current wait was sent, and until when the wait runs. */
  private at = Number.NEGATIVE_INFINITY;
  private until = 0;

  /**
   * Books a refusal sent at `now` that asks to wait `waitMs`; returns whether the refused
   * message, which arrived at `arrived`, ignored the wait already running.
   */
  refused(arrived: number, now: number, waitMs: number): boolean {
    const ignoring = arrived > this.at + REFUSAL_GRACE_MS && arrived < this.until;
    // A new wait starts only when the last one is over: the client has known it must wait
    // since the first refusal of a wait, whatever was refused after it.
    if (now >= this.until) this.at = now;
    this.until = Math.max(this.until, now + waitMs);
    return ignoring;
  }
}
