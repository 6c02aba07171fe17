import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_RETRY_AFTER_MS, parseRetryAfter } from '../../../lib/cxone/retry-after.ts';

const nowMs = Date.parse('2025-06-02T12:00:00Z');

describe('parseRetryAfter', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('3', { nowMs })).toBe(3000);
    expect(parseRetryAfter(' 0 ', { nowMs })).toBe(0);
  });

  it('reads an HTTP-date relative to now when the response has no Date header', () => {
    expect(parseRetryAfter('Mon, 02 Jun 2025 12:00:07 GMT', { nowMs })).toBe(7000);
  });

  it('measures an HTTP-date against the response Date header, not our clock', () => {
    const skewedNow = nowMs + 60_000;
    expect(
      parseRetryAfter('Mon, 02 Jun 2025 12:00:05 GMT', {
        nowMs: skewedNow,
        dateHeader: 'Mon, 02 Jun 2025 12:00:00 GMT',
      }),
    ).toBe(5000);
  });

  it('treats a date in the past as no wait', () => {
    expect(parseRetryAfter('Mon, 02 Jun 2025 11:59:00 GMT', { nowMs })).toBe(0);
  });

  it('ignores what it does not understand', () => {
    for (const value of ['soon', '-5', '1.5', '2025-06-02T12:00:07Z', '', '   ', null, undefined]) {
      expect(parseRetryAfter(value, { nowMs })).toBeUndefined();
    }
  });

  it('caps long waits, 60 s by default', () => {
    expect(parseRetryAfter('3600', { nowMs })).toBe(DEFAULT_MAX_RETRY_AFTER_MS);
    expect(DEFAULT_MAX_RETRY_AFTER_MS).toBe(60_000);
    expect(parseRetryAfter('Tue, 03 Jun 2025 12:00:00 GMT', { nowMs, maxMs: 5000 })).toBe(5000);
  });
});
