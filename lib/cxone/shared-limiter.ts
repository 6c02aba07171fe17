// The tenant-wide limiter: every instance leases small batches of numbered tokens from the shared slot counter
// (one budget call per lease, not per request) and adapts the tenant's rate to 429s (AIMD, state shared through the
// budget). When the budget cannot be reached it falls back, for a while, to a local bucket at ceiling ÷ instances.
import { CxoneRetryableError } from './errors.ts';
import {
  type AimdParams,
  type AimdState,
  currentRate,
  decreasedState,
  freshFrom,
  leaseSize,
  newerState,
  type SharedRateBudget,
  slotLimit,
  slotOf,
  tokenTimes,
} from './rate-budget.ts';
import type { Clock, RequestLimiter, TenantLimiters } from './rate-limiter.ts';
import { TokenBucket } from './rate-limiter.ts';

export interface SharedLimiterOptions extends Clock {
  budget: SharedRateBudget;
  /** The tenant's configured ceiling, requests/second, for all instances together. */
  ceiling: number;
  /** How many instances may claim at once (sizes the leases and the fallback share). */
  instances: number;
  slotMs?: number;
  beta?: number;
  alpha?: number;
  decreaseIntervalMs?: number;
  /** How old this instance's view of the shared AIMD state may get before a claim re-reads it. */
  refreshMs?: number;
  /** How long the local fallback is used after the budget failed, before the budget is tried again. */
  fallbackMs?: number;
  /** The budget failed: this instance uses its local fallback bucket for `fallbackMs`. */
  onFallback?: (event: { tenantKey: string; error: unknown; fallbackRatePerSecond: number }) => void;
}

export const SHARED_LIMITER_DEFAULTS = {
  slotMs: 1000,
  beta: 0.8,
  alpha: 0.5,
  decreaseIntervalMs: 500,
  refreshMs: 1000,
  fallbackMs: 30_000,
};

/** Requests of the last second an instance needs before their refused share shapes a decrease. */
const MIN_SAMPLE = 5;

/** Slot counters are kept this long after their slot (TTL). */
const SLOT_TTL_SECONDS = 300;

export class SharedTenantLimiters implements TenantLimiters {
  private readonly limiters = new Map<string, SharedTenantLimiter>();
  private readonly options: SharedLimiterOptions;

  constructor(options: SharedLimiterOptions) {
    if (!(options.ceiling > 0)) throw new RangeError('ceiling must be a positive number');
    this.options = options;
  }

  forTenant(tenantKey: string): SharedTenantLimiter {
    let limiter = this.limiters.get(tenantKey);
    if (!limiter) {
      limiter = new SharedTenantLimiter(tenantKey, this.options);
      this.limiters.set(tenantKey, limiter);
    }
    return limiter;
  }
}

export class SharedTenantLimiter implements RequestLimiter {
  readonly params: AimdParams;
  private readonly tenantKey: string;
  private readonly options: SharedLimiterOptions & typeof SHARED_LIMITER_DEFAULTS;
  /** Send times of the tokens leased and not yet spent, in order; each belongs to the slot holding it. */
  private lease: number[] = [];
  private view: { state: AimdState | undefined; readAt: number } = {
    state: undefined,
    readAt: Number.NEGATIVE_INFINITY,
  };
  private refilling: Promise<number | undefined> | undefined;
  /** When this instance's recent requests were sent and refused (the last second's, for the decrease). */
  private sent: number[] = [];
  private refused: number[] = [];
  /** The end of a slot whose last token this instance was granted. */
  private slotFullUntil = Number.NEGATIVE_INFINITY;
  private fallback: { bucket: TokenBucket; until: number } | undefined;

  constructor(tenantKey: string, options: SharedLimiterOptions) {
    this.tenantKey = tenantKey;
    this.options = { ...SHARED_LIMITER_DEFAULTS, ...stripUndefined(options), ...required(options) };
    const { ceiling, beta, alpha, decreaseIntervalMs } = this.options;
    this.params = { ceiling, beta, alpha, decreaseIntervalMs, minRate: Math.min(1, ceiling) };
  }

  /** The rate this instance currently believes the tenant may use. */
  rate(): number {
    return currentRate(this.view.state, this.params, this.options.now());
  }

  async acquire(deadline = Number.POSITIVE_INFINITY): Promise<void> {
    for (;;) {
      const now = this.options.now();
      if (this.fallback && now < this.fallback.until) {
        await this.fallback.bucket.acquire(deadline);
        this.sent.push(this.options.now());
        return;
      }
      const slotEnd = (slotOf(now, this.options.slotMs) + 1) * this.options.slotMs;
      while (
        this.lease.length > 0 &&
        slotOf(this.lease[0] as number, this.options.slotMs) < slotOf(now, this.options.slotMs)
      ) {
        this.lease.shift();
      }
      const at = this.lease.shift();
      if (at !== undefined) {
        if (at > now) {
          if (at > deadline) {
            this.lease.unshift(at);
            throw this.tooLate(at - now);
          }
          await this.options.sleep(at - now);
        }
        this.sent.push(Math.max(at, now));
        return;
      }
      if (now < this.slotFullUntil) {
        // The last grant emptied the slot: no claim can succeed before the next one.
        if (this.slotFullUntil > deadline) throw this.tooLate(this.slotFullUntil - now);
        await this.options.sleep(this.slotFullUntil - now);
        continue;
      }
      this.refilling ??= this.refill().finally(() => {
        this.refilling = undefined;
      });
      const retryAt = await this.refilling;
      if (retryAt !== undefined && this.lease.length === 0) {
        const wait = Math.max(retryAt, slotEnd) - this.options.now();
        if (this.options.now() + wait > deadline) throw this.tooLate(wait);
        if (wait > 0) await this.options.sleep(wait);
      }
    }
  }

  /** CXone answered 429: decrease the tenant's rate (at most once per interval, tenant-wide). */
  throttled(): void {
    const now = this.options.now();
    this.refused.push(now);
    // Too fast already: the rest of this second's lease would only be refused too (the tokens stay counted).
    this.lease = [];
    if (this.fallback && now < this.fallback.until) this.fallback.bucket.drain();
    const next = decreasedState(this.view.state, this.params, now, this.refusedShare(now));
    if (!next) return;
    this.view = { state: next, readAt: now };
    const { slotMs } = this.options;
    const slot = slotOf(now, slotMs);
    const slots = [slot, slot + 1].map((s) => ({ slot: s, expiresAt: this.expiresAt(s) }));
    this.options.budget.decrease(this.tenantKey, next, now - this.params.decreaseIntervalMs, slots).then(
      (stored) => {
        if (!stored) this.view = { ...this.view, readAt: Number.NEGATIVE_INFINITY };
      },
      () => {
        this.view = { ...this.view, readAt: Number.NEGATIVE_INFINITY };
      },
    );
  }

  /** The share of this instance's requests of the last second that CXone refused with 429. */
  private refusedShare(now: number): number {
    const since = now - 1000;
    this.sent = this.sent.filter((at) => at >= since);
    this.refused = this.refused.filter((at) => at >= since);
    // Too few requests say little about the tenant's rate: then the plain multiplicative decrease.
    return this.sent.length < MIN_SAMPLE ? 0 : Math.min(1, this.refused.length / this.sent.length);
  }

  private expiresAt(slot: number): number {
    return Math.ceil(((slot + 1) * this.options.slotMs) / 1000) + SLOT_TTL_SECONDS;
  }

  /** Leases tokens of the current slot; returns when to try again if the slot is full. */
  private async refill(): Promise<number | undefined> {
    const { budget, slotMs, refreshMs, now } = this.options;
    try {
      if (now() - this.view.readAt >= refreshMs) {
        // Idle for a while: the slots this instance would see may not exist, so read the state itself first.
        const readAt = now();
        const state = await budget.readAimd(this.tenantKey);
        this.view = { state: newerState(this.view.state, state), readAt };
      }
      const start = now();
      const slot = slotOf(start, slotMs);
      const limit = slotLimit(this.rate(), slotMs);
      const wanted = leaseSize(limit, this.options.instances);
      const grant = await budget.claim({
        tenantKey: this.tenantKey,
        slot,
        wanted,
        limit,
        from: freshFrom(start, slot, limit, slotMs, wanted),
        expiresAt: this.expiresAt(slot),
        ...(this.view.state ? { aimd: this.view.state } : {}),
      });
      this.view = { state: newerState(this.view.state, grant.aimd), readAt: start };
      if (grant.granted === 0) return (slot + 1) * slotMs;
      this.lease.push(...tokenTimes(grant, slot, limit, slotMs));
      if (grant.usedAfter >= limit) this.slotFullUntil = (slot + 1) * slotMs;
      return undefined;
    } catch (error) {
      this.startFallback(error);
      return undefined;
    }
  }

  private startFallback(error: unknown): void {
    const fallbackRatePerSecond = this.options.ceiling / Math.max(1, this.options.instances);
    this.fallback = {
      bucket: new TokenBucket({
        ratePerSecond: fallbackRatePerSecond,
        now: this.options.now,
        sleep: this.options.sleep,
      }),
      until: this.options.now() + this.options.fallbackMs,
    };
    this.options.onFallback?.({ tenantKey: this.tenantKey, error, fallbackRatePerSecond });
  }

  private tooLate(waitMs: number): CxoneRetryableError {
    return new CxoneRetryableError('tenant rate limit: no request slot before the deadline', {
      retryAfterMs: Math.ceil(waitMs),
    });
  }
}

function required(options: SharedLimiterOptions) {
  const { budget, ceiling, instances, now, sleep } = options;
  return { budget, ceiling, instances, now, sleep };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
