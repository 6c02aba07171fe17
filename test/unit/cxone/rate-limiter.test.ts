import { describe, expect, it } from 'vitest';
import { CxoneRetryableError } from '../../../lib/cxone/errors.ts';
import { TenantRateLimiters, TokenBucket } from '../../../lib/cxone/rate-limiter.ts';
import { fakeClock } from './fakes.ts';

describe('TokenBucket', () => {
  it('spaces requests evenly at the configured rate', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ ratePerSecond: 10, ...clock });
    const starts: number[] = [];
    for (let i = 0; i < 5; i++) {
      await bucket.acquire();
      starts.push(clock.now());
    }
    const gaps = starts.slice(1).map((at, i) => at - (starts[i] ?? 0));
    expect(gaps).toEqual([100, 100, 100, 100]);
  });

  it('queues concurrent callers in order, each a slot later', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ ratePerSecond: 4, ...clock });
    await Promise.all([bucket.acquire(), bucket.acquire(), bucket.acquire()]);
    expect(clock.sleeps).toEqual([250, 500]);
  });

  it('allows a burst after idling, then the steady rate', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 3, ...clock });
    for (let i = 0; i < 4; i++) await bucket.acquire();
    expect(clock.sleeps).toEqual([100]);
  });

  it('refuses to wait past the deadline, says how long the wait would be, and keeps the slot free', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ ratePerSecond: 2, ...clock });
    await bucket.acquire();
    const error = await bucket.acquire(clock.now() + 100).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CxoneRetryableError);
    expect((error as CxoneRetryableError).retryAfterMs).toBe(500);
    await bucket.acquire();
    expect(clock.sleeps).toEqual([500]);
  });

  it('forgets a saved-up burst after a 429 (drain)', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 5, ...clock });
    bucket.drain();
    await bucket.acquire();
    expect(clock.sleeps).toEqual([100]);
  });

  it('rejects a non-positive rate', () => {
    expect(() => new TokenBucket({ ratePerSecond: 0, ...fakeClock() })).toThrow(RangeError);
  });
});

describe('TenantRateLimiters', () => {
  it('gives each tenant its own bucket and the same bucket to every call of a tenant', () => {
    const limiters = new TenantRateLimiters({ ratePerSecond: 5, ...fakeClock() });
    expect(limiters.forTenant('a')).toBe(limiters.forTenant('a'));
    expect(limiters.forTenant('a')).not.toBe(limiters.forTenant('b'));
  });
});
