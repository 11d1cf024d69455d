/**
 * The per-connection flood guard: a token bucket for message rate and a sliding window of
 * violations (bad frames, refused messages) that ends in 4429.
 * @module
 */

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
