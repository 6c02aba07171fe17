import { describe, expect, it } from 'vitest';
import {
  MAX_VISIBILITY_TIMEOUT_SECONDS,
  redeliveryDelaySeconds,
  retryDelaySeconds,
  visibilityTimeoutSeconds,
} from '../../../lib/retry/redelivery.ts';

const highest = () => 0.999999;
const lowest = () => 0;

describe('retryDelaySeconds', () => {
  it('grows exponentially from 5 s up to the 15 min cap (upper bound of the jitter)', () => {
    const ceilings = [1, 2, 3, 4, 5, 8, 9, 20, 1000].map((count) =>
      retryDelaySeconds(count, undefined, { random: highest }),
    );
    expect(ceilings).toEqual([5, 10, 20, 40, 80, 640, 900, 900, 900]);
  });

  it('is at least 1 s even when the jitter draws 0', () => {
    expect(retryDelaySeconds(3, undefined, { random: lowest })).toBe(1);
  });

  it('stays within [1, ceiling] for any draw (full jitter)', () => {
    for (let i = 0; i < 200; i += 1) {
      const delay = retryDelaySeconds(4, undefined);
      expect(Number.isInteger(delay)).toBe(true);
      expect(delay).toBeGreaterThanOrEqual(1);
      expect(delay).toBeLessThanOrEqual(40);
    }
  });

  it('honours Retry-After over the backoff, rounded up to whole seconds', () => {
    expect(retryDelaySeconds(1, 7_000, { random: highest })).toBe(7);
    expect(retryDelaySeconds(1, 1_200, { random: highest })).toBe(2);
    expect(retryDelaySeconds(10, 3_600_000)).toBe(3600);
    expect(retryDelaySeconds(1, 0)).toBe(1);
  });

  it('never exceeds the SQS visibility limit of 43200 s', () => {
    expect(MAX_VISIBILITY_TIMEOUT_SECONDS).toBe(43_200);
    expect(retryDelaySeconds(1, 10 * 86_400_000)).toBe(43_200);
    expect(retryDelaySeconds(50, undefined, { capSeconds: 10 ** 9, random: highest })).toBe(43_200);
  });

  it('treats a missing or invalid receive count as the first attempt', () => {
    expect(retryDelaySeconds(Number.NaN, undefined, { random: highest })).toBe(5);
    expect(retryDelaySeconds(0, undefined, { random: highest })).toBe(5);
  });

  it('uses a custom base and cap', () => {
    expect(retryDelaySeconds(3, undefined, { baseSeconds: 2, capSeconds: 6, random: highest })).toBe(6);
  });
});

describe('redeliveryDelaySeconds', () => {
  const policy = { baseSeconds: 5, capSeconds: 300, random: highest };

  it('backs off by receive count, capped, before the last receive', () => {
    expect(redeliveryDelaySeconds({ receiveCount: 1, maxReceiveCount: 5 }, undefined, policy)).toBe(5);
    expect(redeliveryDelaySeconds({ receiveCount: 4, maxReceiveCount: 5 }, undefined, policy)).toBe(40);
    expect(redeliveryDelaySeconds({ receiveCount: 9, maxReceiveCount: 20 }, undefined, policy)).toBe(300);
  });

  it('honours a Retry-After longer than the cap', () => {
    expect(redeliveryDelaySeconds({ receiveCount: 1, maxReceiveCount: 5 }, 45_000, policy)).toBe(45);
  });

  it('is 0 on the last receive, Retry-After or not, so that SQS moves the message to the DLQ at once', () => {
    expect(redeliveryDelaySeconds({ receiveCount: 5, maxReceiveCount: 5 }, 45_000, policy)).toBe(0);
    expect(redeliveryDelaySeconds({ receiveCount: 6, maxReceiveCount: 5 }, undefined, policy)).toBe(0);
  });
});

describe('visibilityTimeoutSeconds', () => {
  it.each([
    [42.2, 43],
    [0, 0],
    [-5, 0],
    [100_000, 43_200],
  ])('%s s → %s s', (seconds, expected) => {
    expect(visibilityTimeoutSeconds(seconds)).toBe(expected);
  });
});
