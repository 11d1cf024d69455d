/**
 * Pacing: after the server refused a message with `rate_limited`, the client sends nothing
 * until the `retryAfterMs` it was given is over, then sends what waited, in order. A server
 * closes (4429) only clients that ignore that wait; this is how `BotClient` never does.
 * @module
 */

/** The shortest and longest waits the client honours (a server asking for less or more is clamped). */
const MIN_WAIT_MS = 50;
const MAX_WAIT_MS = 60_000;

/** Holds sending while a refusal's wait runs, then calls `resume`. */
export class Pacer {
  private until = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** @param resume - called when the wait is over */
  constructor(private readonly resume: () => void) {}

  /** Whether sending is on hold now. */
  get held(): boolean {
    return Date.now() < this.until;
  }

  /** Holds sending for `retryAfterMs` (1 s when the server gave none), extending a running hold. */
  hold(retryAfterMs: number | undefined): void {
    const waitMs = Math.min(Math.max(retryAfterMs ?? 1000, MIN_WAIT_MS), MAX_WAIT_MS);
    const now = Date.now();
    this.until = Math.max(this.until, now + waitMs);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.until = 0;
      this.resume();
    }, this.until - now);
    (this.timer as { unref?: () => void }).unref?.();
  }

  /** Drops the hold (the client stopped). */
  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.until = 0;
  }
}
