import { describe, expect, it } from 'vitest';
import { MAX_RETRY_AFTER_MS, parseRetryAfter, retryDelaySeconds } from '../../../lib/wfm/retry.ts';

const NOW = Date.parse('2025-03-09T14:30:00Z');

describe('parseRetryAfter', () => {
  it.each([
    ['0', 0],
    ['7', 7_000],
    [' 120 ', 120_000],
    ['Sun, 09 Mar 2025 14:30:30 GMT', 30_000],
    ['Sunday, 09-Mar-25 14:31:00 GMT', 60_000],
    ['Sun Mar  9 14:30:05 2025', 5_000],
    ['Sun, 09 Mar 2025 14:00:00 GMT', 0], // in the past
  ])('%j → %d ms', (value, expected) => {
    expect(parseRetryAfter(value, { nowMs: NOW })).toBe(expected);
  });

  it.each([
    [null],
    [undefined],
    [''],
    ['soon'],
    ['-5'],
    ['1.5'],
    ['2025-03-09T14:31:00Z'],
    ['Sun, 99 Foo 2025'],
  ])('ignores %j', (value) => {
    expect(parseRetryAfter(value, { nowMs: NOW })).toBeUndefined();
  });

  it('measures a date against the response Date header, not our clock', () => {
    const ourClockAhead = NOW + 3_600_000;
    expect(
      parseRetryAfter('Sun, 09 Mar 2025 14:30:45 GMT', {
        nowMs: ourClockAhead,
        dateHeader: 'Sun, 09 Mar 2025 14:30:00 GMT',
      }),
    ).toBe(45_000);
    expect(parseRetryAfter('Sun, 09 Mar 2025 14:30:45 GMT', { nowMs: NOW, dateHeader: 'garbage' })).toBe(
      45_000,
    );
  });

  it('caps at 12 hours by default and at maxMs when given', () => {
    expect(parseRetryAfter('999999', { nowMs: NOW })).toBe(MAX_RETRY_AFTER_MS);
    expect(MAX_RETRY_AFTER_MS).toBe(12 * 3600 * 1000);
    expect(parseRetryAfter('Tue, 11 Mar 2025 00:00:00 GMT', { nowMs: NOW })).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter('600', { nowMs: NOW, maxMs: 60_000 })).toBe(60_000);
  });
});

describe('retryDelaySeconds', () => {
  const highest = () => 0.999999;
  const lowest = () => 0;

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
