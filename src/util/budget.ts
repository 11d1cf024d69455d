/**
 * Per-address budgets: a token bucket for each address key, behind the connection rate and
 * the failed-authentication throttle. Memory stays bounded whatever the number of addresses.
 * @module
 */

/** About `limit` events per `windowMs`, in bursts of up to `limit`. */
export interface Rate {
  /** Events allowed in a burst, and per window on average. */
  limit: number;
  /** The window in milliseconds: a spent budget refills fully within it. */
  windowMs: number;
}

/** Options of {@link AddressBudget}. */
export interface AddressBudgetOptions {
  /**
   * Most addresses remembered. Addresses with a full budget are forgotten first; beyond
   * that the oldest are, which hands them a fresh budget — bounded memory comes first.
   * @default 100000
   */
  maxKeys?: number;
  /** The clock, for tests. @default Date.now */
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** A token bucket per address key (see `addressKey`); `undefined` keys are never limited. */
export class AddressBudget {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;
  private readonly maxKeys: number;
  private readonly now: () => number;
  /** Size at which the next new key sweeps first: amortised O(1) per key. */
  private sweepAt: number;

  /**
   * @param rate - the budget of each address
   * @param options - see {@link AddressBudgetOptions}
   */
  constructor(
    private readonly rate: Rate,
    options: AddressBudgetOptions = {},
  ) {
    this.perMs = rate.limit / rate.windowMs;
    this.maxKeys = options.maxKeys ?? 100_000;
    this.now = options.now ?? Date.now;
    this.sweepAt = Math.min(1024, this.maxKeys);
  }

  /** Addresses remembered. */
  get size(): number {
    return this.buckets.size;
  }

  /** Milliseconds until `key` has budget again; `0` when it has some now. */
  waitMs(key: string | undefined): number {
    const bucket = key === undefined ? undefined : this.buckets.get(key);
    return bucket === undefined ? 0 : this.wait(this.refill(bucket));
  }

  /** Spends one unit of `key`'s budget: `0` when spent, else the wait in ms (nothing spent). */
  take(key: string | undefined): number {
    if (key === undefined) return 0;
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      if (this.buckets.size >= this.sweepAt) this.sweep();
      bucket = { tokens: this.rate.limit, at: this.now() };
      this.buckets.set(key, bucket);
    }
    const tokens = this.refill(bucket);
    if (tokens < 1) return this.wait(tokens);
    bucket.tokens = tokens - 1;
    return 0;
  }

  private wait(tokens: number): number {
    return tokens >= 1 ? 0 : Math.ceil((1 - tokens) / this.perMs);
  }

  private refill(bucket: Bucket): number {
    const now = this.now();
    bucket.tokens = Math.min(this.rate.limit, bucket.tokens + (now - bucket.at) * this.perMs);
    bucket.at = now;
    return bucket.tokens;
  }

  private sweep(): void {
    for (const [key, bucket] of this.buckets) {
      if (this.refill(bucket) >= this.rate.limit) this.buckets.delete(key);
    }
    for (const key of this.buckets.keys()) {
      if (this.buckets.size < this.maxKeys) break;
      this.buckets.delete(key);
    }
    this.sweepAt = Math.min(this.maxKeys, Math.max(1024, this.buckets.size * 2));
  }
}
