import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffCeilingMs, DEFAULT_BACKOFF, fullJitterDelayMs } from '../../../lib/cxone/backoff.ts';

describe('full-jitter backoff', () => {
  it('doubles the ceiling from the base up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((attempt) => backoffCeilingMs(attempt))).toEqual([
      500, 1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
    expect(DEFAULT_BACKOFF).toEqual({ baseMs: 500, capMs: 10_000 });
  });

  it('always waits between 0 and the ceiling', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, r) => {
          const delay = fullJitterDelayMs(attempt, () => r);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThan(Math.max(1, backoffCeilingMs(attempt)));
        },
      ),
    );
  });

  it('spreads delays over the whole range (full jitter, not equal jitter)', () => {
    expect(fullJitterDelayMs(3, () => 0)).toBe(0);
    expect(fullJitterDelayMs(3, () => 0.5)).toBe(1000);
    expect(fullJitterDelayMs(3, () => 0.9999)).toBe(1999);
  });
});
