import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isWithinWindow,
  localDateIn,
  localTimeIn,
  windowInterval,
  windowOverlapMinutes,
  zonedTimeToInstant,
} from '../../lib/domain/time-window.ts';
import { instant, timeOfDay, timeRange, ZONES } from './arbitraries.ts';

const zone = fc.constantFrom(...ZONES);
const date = instant.map((moment) => moment.toISOString().slice(0, 10));

describe('time windows (properties)', () => {
  it('wall-clock → instant → wall-clock round-trips, except inside a DST gap where it moves forward', () => {
    fc.assert(
      fc.property(date, timeOfDay, zone, (day, time, timeZone) => {
        const moment = zonedTimeToInstant(day, time, timeZone);
        if (localTimeIn(moment, timeZone) === time) {
          expect(localDateIn(moment, timeZone)).toBe(day);
        } else {
          // Nonexistent time: mapped forward by the size of the DST gap (1 h of wall clock in these zones). Real
          // time cannot be used to go back: one hour before 03:00 EDT is 01:00 EST.
          const [hours = 0, minutes = 0] = time.split(':').map(Number);
          const forward = `${String(hours + 1).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
          expect(`${localDateIn(moment, timeZone)} ${localTimeIn(moment, timeZone)}`).toBe(
            `${day} ${forward}`,
          );
        }
      }),
    );
  });

  it('overlap is between 0 and the length of the calling hours, and full against itself', () => {
    fc.assert(
      fc.property(
        timeRange,
        timeRange,
        zone,
        zone,
        date,
        (agentRange, calling, agentZone, campaignZone, day) => {
          const callingMinutes = (() => {
            const interval = windowInterval(calling, campaignZone, day);
            return (interval.endMs - interval.startMs) / 60_000;
          })();
          const overlap = windowOverlapMinutes(
            { ...agentRange, timezone: agentZone },
            calling,
            campaignZone,
            day,
          );
          expect(overlap).toBeGreaterThanOrEqual(0);
          expect(overlap).toBeLessThanOrEqual(callingMinutes);
          expect(
            windowOverlapMinutes({ ...calling, timezone: campaignZone }, calling, campaignZone, day),
          ).toBe(callingMinutes);
        },
      ),
    );
  });

  it('a window and its complement cover the calling hours exactly once', () => {
    fc.assert(
      fc.property(timeRange, timeRange, zone, date, (range, calling, timeZone, day) => {
        const inverse = { start: range.end, end: range.start, timezone: timeZone };
        const interval = windowInterval(calling, timeZone, day);
        const callingMinutes = (interval.endMs - interval.startMs) / 60_000;
        const covered =
          windowOverlapMinutes({ ...range, timezone: timeZone }, calling, timeZone, day) +
          windowOverlapMinutes(inverse, calling, timeZone, day);
        // Around a DST gap the forward rule may make two adjacent windows share or skip up to an hour.
        expect(Math.abs(covered - callingMinutes)).toBeLessThanOrEqual(60);
      }),
    );
  });

  it('exactly one of a window and its complement is open at any instant, away from DST changes', () => {
    fc.assert(
      fc.property(timeRange, zone, instant, (range, timeZone, now) => {
        const dayBefore = new Date(now.getTime() - 86_400_000);
        const dayAfter = new Date(now.getTime() + 86_400_000);
        const sameOffset =
          localTimeIn(dayBefore, timeZone) === localTimeIn(now, timeZone) &&
          localTimeIn(dayAfter, timeZone) === localTimeIn(now, timeZone);
        fc.pre(sameOffset);
        const inverse = { start: range.end, end: range.start };
        expect(isWithinWindow(range, timeZone, now)).not.toBe(isWithinWindow(inverse, timeZone, now));
      }),
    );
  });
});
