/**
 * The per-connection flood guard: a token bucket for message rate and a sliding window of
 * violations (bad frames, refused messages) that ends in 4429.
 * @module
 */

import type { Limits } from "../core/limits.js";
import { RefusalWait } from "../util/wait.js";

/** A token bucket: `take()` is true while tokens remain; refills continuously. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  /**
   * @param rate - tokens added per second
   * @param capacity - most tokens held at once
   */
  constructor(
    private readonly rate: number,
    private readonly capacity: number,
    now = Date.now(),
  ) {
    this.tokens = capacity;
    this.last = now;
  }

  /** Takes one token; returns 0 on success or the milliseconds until one is available. */
  take(now = Date.now()): number {
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) * this.rate) / 1000);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return ((1 - this.tokens) * 1000) / this.rate;
  }
}

/** Counts violations in a sliding window; `add()` is true once the limit is exceeded. */
export class ViolationCounter {
  private readonly times: number[] = [];

  /**
   * @param max - violations tolerated within the window
   * @param windowMs - the window length
   */
  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  /** Records one violation; returns true when there were more than `max` in the window. */
  add(now = Date.now()): boolean {
    this.times.push(now);
    while (this.times.length > 0 && (this.times[0] as number) <= now - this.windowMs) {
      this.times.shift();
    }
    return this.times.length > this.max;
  }
}

/** Limits the flood guard applies. */
type GuardLimits = Pick<
  Limits,
  "messagesPerSecond" | "burst" | "maxViolations" | "violationWindowMs" | "maxQueuedMessages"
>;

/** What the guard needs from the bot: its limits and the per-address budgets. */
interface GuardHost {
  readonly config: { readonly limits: GuardLimits };
  takeFromAddress(address: string): number;
}

/** Why a message frame is refused: the text, when to retry, and whether it counts as a violation. */
export interface Refusal {
  message: string;
  retryAfterMs: number;
  counts: boolean;
}

/**
 * One connection's flood guard: its message-rate bucket and its violation count. Made on a
 * connection's first message, so an idle connection costs nothing here.
 *
 * A refused message counts as a violation only when the client ignored an earlier
 * `retryAfterMs` (see `RefusalWait`). A client that pipelines a burst, or re-sends its queue
 * after a reconnect, is refused and paced, never closed.
 */
export class FloodGuard {
  private readonly bucket: TokenBucket;
  private violations: ViolationCounter | undefined;
  private readonly wait = new RefusalWait();

  private readonly limits: GuardLimits;

  /**
   * @param host - the bot's limits, and the budget all connections of an address share
   * @param address - the connection's address key (see `addressKey`), if it has one
   */
  constructor(
    private readonly host: GuardHost,
    private readonly address: string | undefined,
  ) {
    this.limits = host.config.limits;
    // A bucket starts full, so making it at the first message is the same as at connect.
    this.bucket = new TokenBucket(this.limits.messagesPerSecond, this.limits.burst);
  }

  /**
   * Decides on a message frame arriving at `now` while `queued` tasks wait on the
   * connection: `undefined` admits it.
   */
  check(now: number, queued: number): Refusal | undefined {
    let waitMs = this.bucket.take(now);
    if (waitMs === 0 && this.address !== undefined)
      waitMs = this.host.takeFromAddress(this.address);
    if (waitMs > 0) {
      return {
        message: "too many messages",
        retryAfterMs: waitMs,
        counts: this.wait.refused(now, now, waitMs),
      };
    }
    if (queued >= this.limits.maxQueuedMessages) {
      // A slow handler: refuse instead of queueing (and holding frames) without bound. The
      // backlog is the server's doing, so it never counts against the client.
      return { message: "too many messages waiting", retryAfterMs: 1000, counts: false };
    }
    return undefined;
  }

  /** Records a violation; true once there were too many within the window (close with 4429). */
  violation(): boolean {
    this.violations ??= new ViolationCounter(
      this.limits.maxViolations,
      this.limits.violationWindowMs,
    );
    return this.violations.add();
  }
}
