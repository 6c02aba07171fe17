import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffCeilingMs, fullJitterDelayMs } from '../../../lib/retry/backoff.ts';

const policy = { baseMs: 500, capMs: 10_000 };

describe('full-jitter backoff', () => {
  it('doubles the ceiling from the base up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((attempt) => backoffCeilingMs(attempt, policy))).toEqual([
      500, 1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
    expect(backoffCeilingMs(0, policy)).toBe(500);
    expect(backoffCeilingMs(1000, { baseMs: 1, capMs: Number.MAX_SAFE_INTEGER })).toBe(2 ** 30);
  });

  it('always waits between 0 and the ceiling', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, r) => {
          const delay = fullJitterDelayMs(attempt, () => r, policy);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThan(Math.max(1, backoffCeilingMs(attempt, policy)));
        },
      ),
    );
  });

  it('spreads delays over the whole range (full jitter, not equal jitter)', () => {
    expect(fullJitterDelayMs(3, () => 0, policy)).toBe(0);
    expect(fullJitterDelayMs(3, () => 0.5, policy)).toBe(1000);
    expect(fullJitterDelayMs(3, () => 0.9999, policy)).toBe(1999);
  });
});
