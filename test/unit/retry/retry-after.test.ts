import { describe, expect, it } from 'vitest';
import { parseHttpDate, parseRetryAfter } from '../../../lib/retry/retry-after.ts';

const NOW = Date.parse('2025-03-09T14:30:00Z');
const HOUR = 3_600_000;
const maxMs = 12 * HOUR;

describe('parseRetryAfter', () => {
  it.each([
    ['0', 0],
    [' 0 ', 0],
    ['3', 3_000],
    ['7', 7_000],
    [' 120 ', 120_000],
    ['Sun, 09 Mar 2025 14:30:30 GMT', 30_000], // IMF-fixdate
    ['Sunday, 09-Mar-25 14:31:00 GMT', 60_000], // RFC 850
    ['Sun Mar  9 14:30:05 2025', 5_000], // asctime, one-digit day
    ['Sun Mar 09 14:30:05 2025', 5_000], // asctime, two-digit day
    ['Sun, 09 Mar 2025 14:00:00 GMT', 0], // in the past
  ])('%j → %d ms', (value, expected) => {
    expect(parseRetryAfter(value, { nowMs: NOW, maxMs })).toBe(expected);
  });

  it('reads the three HTTP-date formats as the same instant, asctime as GMT', () => {
    const at = Date.parse('1994-11-06T08:49:37Z');
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT', NOW)).toBe(at);
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT', NOW)).toBe(at);
    expect(parseHttpDate('Sun Nov  6 08:49:37 1994', NOW)).toBe(at);
  });

  it('reads a two-digit RFC 850 year as at most 50 years ahead', () => {
    expect(parseHttpDate('Monday, 01-Jan-75 00:00:00 GMT', NOW)).toBe(Date.parse('2075-01-01T00:00:00Z'));
    expect(parseHttpDate('Monday, 01-Jan-76 00:00:00 GMT', NOW)).toBe(Date.parse('1976-01-01T00:00:00Z'));
  });

  it.each([
    [null],
    [undefined],
    [''],
    ['   '],
    ['soon'],
    ['-5'],
    ['1.5'],
    ['+5'],
    ['5 s'],
    ['0x10'],
    ['2025-03-09T14:31:00Z'],
    ['Sun, 99 Foo 2025'],
    ['Sun, 09 Mar 2025 14:30:30 UTC'], // the zone is always GMT
    ['Sun, 09 Mar 2025 14:30:30 +0000'],
    ['Sun, 9 Mar 2025 14:30:30 GMT'], // two-digit day
    ['sun, 09 mar 2025 14:30:30 GMT'], // names are case-sensitive
    ['Sunday, 09 Mar 2025 14:30:30 GMT'], // a long day name is RFC 850 only
    ['Sun, 09-Mar-25 14:30:30 GMT'], // and RFC 850 needs one
    ['Sun, 30 Feb 2025 14:30:30 GMT'], // no such day
    ['Sun, 00 Mar 2025 14:30:30 GMT'],
    ['Sun, 09 Mar 2025 24:00:00 GMT'],
    ['Sun, 09 Mar 2025 14:60:00 GMT'],
    ['Sun, 09 Mar 2025 14:30 GMT'],
    ['Sun Mar  9 14:30:05 2025 GMT'], // asctime has no zone
    ['Sun Mar 9 14:30:05 2025'],
    ['Sun, 09 Mar 2025 14:30:30 GMT trailing'],
    ['Tue, 09 Mar 2025'],
  ])('ignores %j', (value) => {
    expect(parseRetryAfter(value, { nowMs: NOW, maxMs })).toBeUndefined();
  });

  it('measures a date against the response Date header, not our clock', () => {
    const ourClockAhead = NOW + HOUR;
    expect(
      parseRetryAfter('Sun, 09 Mar 2025 14:30:45 GMT', {
        nowMs: ourClockAhead,
        dateHeader: 'Sun, 09 Mar 2025 14:30:00 GMT',
        maxMs,
      }),
    ).toBe(45_000);
    expect(
      parseRetryAfter('Sun, 09 Mar 2025 14:30:45 GMT', { nowMs: NOW, dateHeader: 'garbage', maxMs }),
    ).toBe(45_000);
  });

  it('measures a date against our clock when the response has no Date header', () => {
    const nowMs = Date.parse('2025-06-02T12:00:00Z');
    expect(parseRetryAfter('Mon, 02 Jun 2025 12:00:07 GMT', { nowMs, maxMs })).toBe(7000);
    expect(parseRetryAfter('Mon, 02 Jun 2025 11:59:00 GMT', { nowMs, maxMs })).toBe(0);
  });

  it('caps at the maximum each caller gives', () => {
    expect(parseRetryAfter('999999', { nowMs: NOW, maxMs })).toBe(maxMs);
    expect(parseRetryAfter('9'.repeat(400), { nowMs: NOW, maxMs })).toBe(maxMs);
    expect(parseRetryAfter('Tue, 11 Mar 2025 00:00:00 GMT', { nowMs: NOW, maxMs })).toBe(maxMs);
    expect(parseRetryAfter('600', { nowMs: NOW, maxMs: 60_000 })).toBe(60_000);
    expect(parseRetryAfter('Tue, 03 Jun 2025 12:00:00 GMT', { nowMs: NOW, maxMs: 5000 })).toBe(5000);
  });
});
