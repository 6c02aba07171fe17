import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  attemptsOf,
  DEFAULT_WEBHOOK_RETRY_SCHEDULE_SECONDS,
  formatSpan,
  InvalidRetryScheduleError,
  MAX_RETRY_WAIT_SECONDS,
  parseRetrySchedule,
  retryWaitSeconds,
  scheduleSpanSeconds,
} from '../../../lib/wfm/retry-schedule.ts';

const DEFAULT = DEFAULT_WEBHOOK_RETRY_SCHEDULE_SECONDS;

describe('the webhook retry schedule', () => {
  it('is Svix’s: at once, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h — 8 attempts over 27 h 35 min 5 s', () => {
    expect(DEFAULT).toEqual([5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600]);
    expect(attemptsOf(DEFAULT)).toBe(8);
    expect(scheduleSpanSeconds(DEFAULT)).toBe(27 * 3600 + 35 * 60 + 5);
    expect(formatSpan(scheduleSpanSeconds(DEFAULT))).toBe('27 h 35 min 5 s');
  });

  it('waits the step of each failed attempt and gives up after the last one', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((attempt) => retryWaitSeconds(attempt, DEFAULT))).toEqual([...DEFAULT]);
    expect(retryWaitSeconds(8, DEFAULT)).toBeUndefined();
    expect(retryWaitSeconds(9, DEFAULT)).toBeUndefined();
    expect(retryWaitSeconds(0, DEFAULT)).toBeUndefined();
  });

  it('never retries earlier than a Retry-After asks, nor earlier than the schedule', () => {
    expect(retryWaitSeconds(1, DEFAULT, 120_000)).toBe(120);
    expect(retryWaitSeconds(3, DEFAULT, 1_000)).toBe(1_800);
    expect(retryWaitSeconds(1, DEFAULT, 1_500)).toBe(5);
    // Within SQS's 12 h visibility ceiling.
    expect(retryWaitSeconds(6, DEFAULT, 24 * 3600_000)).toBe(MAX_RETRY_WAIT_SECONDS);
  });

  it('reads WFM_RETRY_SCHEDULE_SECONDS, the compressed schedule of tests', () => {
    expect(parseRetrySchedule('1,2,4')).toEqual([1, 2, 4]);
    expect(parseRetrySchedule(' 1, 2 ,4 ')).toEqual([1, 2, 4]);
    expect(parseRetrySchedule(undefined)).toBe(DEFAULT);
    expect(parseRetrySchedule('')).toBe(DEFAULT);
    for (const bad of ['1,,2', '0', '-1', '1.5', 'a', '43201', '1;2']) {
      expect(() => parseRetrySchedule(bad), bad).toThrow(InvalidRetryScheduleError);
    }
  });

  it('property: the waits of a schedule add up to its span, and every attempt but the last has one', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: MAX_RETRY_WAIT_SECONDS }), { minLength: 1, maxLength: 20 }),
        (waits) => {
          const schedule = parseRetrySchedule(waits.join(','));
          const all = Array.from({ length: attemptsOf(schedule) }, (_, i) =>
            retryWaitSeconds(i + 1, schedule),
          );
          expect(all.at(-1)).toBeUndefined();
          expect(all.slice(0, -1).reduce((sum: number, wait) => sum + (wait as number), 0)).toBe(
            scheduleSpanSeconds(schedule),
          );
        },
      ),
    );
  });

  it('property: a Retry-After only ever lengthens a wait, up to the ceiling', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7 }),
        fc.nat({ max: 100 * 3600_000 }),
        (attempt, retryAfterMs) => {
          const plain = retryWaitSeconds(attempt, DEFAULT) as number;
          const asked = retryWaitSeconds(attempt, DEFAULT, retryAfterMs) as number;
          expect(asked).toBeGreaterThanOrEqual(plain);
          expect(asked).toBeGreaterThanOrEqual(
            Math.min(Math.ceil(retryAfterMs / 1000), MAX_RETRY_WAIT_SECONDS),
          );
          expect(asked).toBeLessThanOrEqual(MAX_RETRY_WAIT_SECONDS);
        },
      ),
    );
  });
});
