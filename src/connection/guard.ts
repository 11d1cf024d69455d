/**
 * The per-connection flood guard: a token bucket for message rate and a sliding window of
 * violations (bad frames, refused messages) that ends in 4429.
 * @module
 */
import type { Limits } from "../core/limits.js";

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
  "messagesPerSecond" | "burst" | "maxViolations" | "violationWindowMs"
>;

/**
 * One connection's flood guard: its message-rate bucket and its violation count. Made on a
 * connection's first message, so an idle connection costs nothing here.
 */
export class FloodGuard {
  private readonly bucket: TokenBucket;
  private violations: ViolationCounter | undefined;

  /** @param limits - the bot's limits */
  constructor(private readonly limits: GuardLimits) {
    // A bucket starts full, so making it at the first message is the same as at connect.
    this.bucket = new TokenBucket(limits.messagesPerSecond, limits.burst);
  }

  /** Admits one message: 0, or the milliseconds until the next would be admitted. */
  admit(): number {
    return this.bucket.take();
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
