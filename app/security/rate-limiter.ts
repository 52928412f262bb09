/**
 * Token buckets per key (a shop, a survey caller, a client address), in memory. A burst (a flash sale's thank-you
 * pages all at once) is absorbed by the bucket's capacity; a key that keeps sending faster than the refill rate is
 * refused with a Retry-After, so one key's traffic cannot starve the others. The number of buckets is bounded: the
 * least recently used are forgotten (a forgotten bucket is a full one), so unverified keys cannot grow memory.
 * Per process on purpose: one app server is the embedded default; behind N servers the limit is N times this.
 */

export interface RateLimitOptions {
  /** Tokens added per second (the sustained rate a key may send). */
  refillPerSecond: number;
  /** Bucket size (the burst a key may send at once). */
  capacity: number;
  /** Buckets kept at most; the least recently used are forgotten (a forgotten bucket is a full one). */
  maxKeys?: number;
}

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** A flash sale of 1,000 orders a minute is ~17 orders/s × 7 requests per survey: well inside these. */
export const DEFAULT_SURVEY_RATE_LIMIT: RateLimitOptions = { refillPerSecond: 200, capacity: 1000, maxKeys: 10_000 };

/** One buyer's survey is about 7 requests; a minute's burst of 60 and one a second after that is plenty. */
export const DEFAULT_SURVEY_CALLER_RATE_LIMIT: RateLimitOptions = {
  refillPerSecond: 1,
  capacity: 60,
  maxKeys: 100_000,
};

interface Bucket {
  tokens: number;
  updatedAtMs: number;
}

export class KeyedRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly options: RateLimitOptions = DEFAULT_SURVEY_RATE_LIMIT,
    private readonly nowMs: () => number = () => performance.timeOrigin + performance.now(),
  ) {}

  take(key: string): RateLimitDecision {
    const now = this.nowMs();
    const { capacity, refillPerSecond } = this.options;
    const bucket = this.buckets.get(key) ?? { tokens: capacity, updatedAtMs: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.updatedAtMs) / 1000) * refillPerSecond);
    bucket.updatedAtMs = now;
    // Re-insert so Map order is least-recently-used first.
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    this.forgetOldest();
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / refillPerSecond)) };
  }

  private forgetOldest(): void {
    const max = this.options.maxKeys ?? 10_000;
    while (this.buckets.size > max) {
      const oldest = this.buckets.keys().next().value;
      if (oldest === undefined) return;
      this.buckets.delete(oldest);
    }
  }
}
