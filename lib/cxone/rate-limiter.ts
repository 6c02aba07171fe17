import { CxoneRetryableError } from './errors.ts';

export interface Clock {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

/** What every CXone call waits on before it is sent, and tells when CXone answered 429. */
export interface RequestLimiter {
  /** Waits for a request slot; throws a CxoneRetryableError instead of waiting past `deadline`. */
  acquire(deadline?: number): Promise<void>;
  /** CXone answered 429: slow down. */
  throttled(): void;
}

/** Hands out one limiter per tenant. */
export interface TenantLimiters {
  forTenant(tenantKey: string): RequestLimiter;
}

export interface TokenBucketOptions extends Clock {
  ratePerSecond: number;
  /** Requests allowed back to back after an idle period. Default 1: requests are evenly spaced. */
  burst?: number;
}

/**
 * Client-side token bucket. Callers reserve a token first (the balance may go negative, so waiting callers queue
 * up in order) and then sleep until their token exists. This limits one Lambda instance; across instances the
 * effective limit is this rate × the instances running (the shared budget in shared-limiter.ts holds across them).
 */
export class TokenBucket implements RequestLimiter {
  readonly ratePerSecond: number;
  readonly burst: number;
  private readonly clock: Clock;
  private tokens: number;
  private updatedAt: number;

  constructor(options: TokenBucketOptions) {
    if (!(options.ratePerSecond > 0) || !Number.isFinite(options.ratePerSecond)) {
      throw new RangeError('ratePerSecond must be a positive number');
    }
    this.ratePerSecond = options.ratePerSecond;
    this.burst = Math.max(1, options.burst ?? 1);
    this.clock = { now: options.now, sleep: options.sleep };
    this.tokens = this.burst;
    this.updatedAt = options.now();
  }

  /**
   * Waits for a token. Throws a CxoneRetryableError (retryAfterMs = the wait) instead of waiting past `deadline`.
   */
  async acquire(deadline = Number.POSITIVE_INFINITY): Promise<void> {
    this.refill();
    this.tokens -= 1;
    if (this.tokens >= 0) return;
    const waitMs = Math.ceil((-this.tokens * 1000) / this.ratePerSecond);
    if (this.clock.now() + waitMs > deadline) {
      this.tokens += 1;
      throw new CxoneRetryableError('client-side rate limit: no request slot before the deadline', {
        retryAfterMs: waitMs,
      });
    }
    await this.clock.sleep(waitMs);
  }

  throttled(): void {
    this.drain();
  }

  /** After a 429 the server is telling us we are too fast: forget any saved-up burst. */
  drain(): void {
    this.refill();
    this.tokens = Math.min(this.tokens, 0);
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.updatedAt);
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.ratePerSecond) / 1000);
    this.updatedAt = now;
  }
}

/** One bucket per tenant, shared by every call (token, discovery, API) the owning client makes for that tenant. */
export class TenantRateLimiters implements TenantLimiters {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly options: TokenBucketOptions;

  constructor(options: TokenBucketOptions) {
    this.options = options;
  }

  forTenant(tenantKey: string): TokenBucket {
    let bucket = this.buckets.get(tenantKey);
    if (!bucket) {
      bucket = new TokenBucket(this.options);
      this.buckets.set(tenantKey, bucket);
    }
    return bucket;
  }
}
