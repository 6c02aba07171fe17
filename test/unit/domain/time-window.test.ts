import { describe, expect, it } from 'vitest';
import {
  addDays,
  type Interval,
  InvalidTimeError,
  InvalidTimeZoneError,
  isValidTimeZone,
  isWithinWindow,
  localDateIn,
  localTimeIn,
  parseTimeOfDay,
  windowInterval,
  windowIntervals,
  windowOverlapMinutes,
  zonedTimeToInstant,
} from '../../../lib/domain/time-window.ts';

const NY = 'America/New_York';
const minutes = (interval: Interval) => (interval.endMs - interval.startMs) / 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('parseTimeOfDay', () => {
  it('reads HH:mm as minutes since midnight', () => {
    expect(parseTimeOfDay('00:00')).toBe(0);
    expect(parseTimeOfDay('09:30')).toBe(570);
    expect(parseTimeOfDay('23:59')).toBe(1439);
  });

  it.each(['24:00', '9:00', '09:60', '09:00:00', ' 09:00', '', 'ab:cd'])('rejects %j', (value) => {
    expect(() => parseTimeOfDay(value)).toThrow(InvalidTimeError);
  });
});

describe('isValidTimeZone', () => {
  it.each([
    'America/New_York',
    'Europe/London',
    'UTC',
    'Etc/UTC',
    'Asia/Kolkata',
    'Europe/Kyiv',
    'Etc/GMT+5',
  ])('accepts %s', (zone) => expect(isValidTimeZone(zone)).toBe(true));

  it.each([
    'America/New_Yrok',
    'Mars/Olympus',
    'america/new_york',
    'America/New_york',
    '+01:00',
    'Z',
    '',
    'EST/',
  ])('rejects %j', (zone) => expect(isValidTimeZone(zone)).toBe(false));
});

describe('localDateIn / localTimeIn', () => {
  it('gives the wall-clock date and time of an instant in a zone', () => {
    const instant = new Date('2026-03-08T04:59:00Z');
    expect(localDateIn(instant, NY)).toBe('2026-03-07');
    expect(localTimeIn(instant, NY)).toBe('23:59');
    expect(localDateIn(instant, 'Asia/Tokyo')).toBe('2026-03-08');
    expect(localTimeIn(instant, 'Asia/Tokyo')).toBe('13:59');
  });

  it('throws a named error for an unknown zone', () => {
    expect(() => localDateIn(new Date(), 'Mars/Olympus')).toThrow(InvalidTimeZoneError);
  });
});

describe('addDays', () => {
  it('crosses month and year ends', () => {
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
  });

  it('rejects impossible dates', () => {
    expect(() => addDays('2026-02-30', 1)).toThrow(InvalidTimeError);
  });
});

describe('zonedTimeToInstant', () => {
  it('maps an ordinary wall-clock time with the zone offset', () => {
    expect(zonedTimeToInstant('2026-01-15', '09:00', NY).toISOString()).toBe('2026-01-15T14:00:00.000Z');
    expect(zonedTimeToInstant('2026-07-15', '09:00', NY).toISOString()).toBe('2026-07-15T13:00:00.000Z');
  });

  it('maps a nonexistent time in the spring-forward gap forward by the gap (02:30 → 03:30 EDT)', () => {
    expect(zonedTimeToInstant('2026-03-08', '02:30', NY).toISOString()).toBe('2026-03-08T07:30:00.000Z');
    expect(zonedTimeToInstant('2026-03-08', '03:30', NY).toISOString()).toBe('2026-03-08T07:30:00.000Z');
  });

  it('maps an ambiguous fall-back time to its earlier occurrence (EDT)', () => {
    expect(zonedTimeToInstant('2026-11-01', '01:30', NY).toISOString()).toBe('2026-11-01T05:30:00.000Z');
    expect(zonedTimeToInstant('2026-11-01', '02:00', NY).toISOString()).toBe('2026-11-01T07:00:00.000Z');
  });

  it('handles the other hemisphere and half-hour zones', () => {
    // Sydney falls back on 2026-04-05 at 03:00 AEDT → 02:00 AEST.
    expect(zonedTimeToInstant('2026-04-05', '02:30', 'Australia/Sydney').toISOString()).toBe(
      '2026-04-04T15:30:00.000Z',
    );
    expect(zonedTimeToInstant('2026-06-01', '09:00', 'Asia/Kolkata').toISOString()).toBe(
      '2026-06-01T03:30:00.000Z',
    );
  });
});

describe('windowInterval / windowIntervals', () => {
  it('calling hours 00:00–05:00 last 4 h on the spring-forward day and 6 h on the fall-back day', () => {
    const range = { start: '00:00', end: '05:00' };
    expect(minutes(windowInterval(range, NY, '2026-03-08'))).toBe(240);
    expect(minutes(windowInterval(range, NY, '2026-11-01'))).toBe(360);
    expect(minutes(windowInterval(range, NY, '2026-03-09'))).toBe(300);
  });

  it('a 01:00–03:00 window on the fall-back day lasts 180 min', () => {
    const interval = windowInterval({ start: '01:00', end: '03:00' }, NY, '2026-11-01');
    expect(iso(interval.startMs)).toBe('2026-11-01T05:00:00.000Z');
    expect(iso(interval.endMs)).toBe('2026-11-01T08:00:00.000Z');
  });

  it('an overnight window (end < start) ends the next day', () => {
    const interval = windowInterval({ start: '22:00', end: '06:00' }, NY, '2026-01-15');
    expect(iso(interval.startMs)).toBe('2026-01-16T03:00:00.000Z');
    expect(iso(interval.endMs)).toBe('2026-01-16T11:00:00.000Z');
  });

  it('an overnight window across the spring-forward night is an hour shorter', () => {
    expect(minutes(windowInterval({ start: '22:00', end: '06:00' }, NY, '2026-03-07'))).toBe(420);
  });

  it('shifts both ends of a window inside the gap forward, and empties one that would end before it starts', () => {
    expect(minutes(windowInterval({ start: '02:10', end: '02:50' }, NY, '2026-03-08'))).toBe(40);
    // 02:30 → 03:30 EDT but 03:00 EDT is earlier: empty rather than negative.
    expect(minutes(windowInterval({ start: '02:30', end: '03:00' }, NY, '2026-03-08'))).toBe(0);
  });

  it('start == end is rejected', () => {
    expect(() => windowInterval({ start: '09:00', end: '09:00' }, NY, '2026-01-15')).toThrow(
      InvalidTimeError,
    );
  });

  it('gives the windows starting the day before, on and after a date', () => {
    const intervals = windowIntervals({ start: '09:00', end: '17:00' }, NY, '2026-03-08');
    expect(intervals.map((interval) => iso(interval.startMs))).toEqual([
      '2026-03-07T14:00:00.000Z',
      '2026-03-08T13:00:00.000Z',
      '2026-03-09T13:00:00.000Z',
    ]);
  });
});

describe('windowOverlapMinutes', () => {
  const calling = { start: '08:00', end: '21:00' };

  it('is the whole agent window when it lies inside the calling hours', () => {
    expect(
      windowOverlapMinutes({ start: '09:00', end: '17:00', timezone: NY }, calling, NY, '2026-03-10'),
    ).toBe(480);
  });

  it('counts only the part inside the calling hours', () => {
    expect(
      windowOverlapMinutes({ start: '06:00', end: '09:00', timezone: NY }, calling, NY, '2026-03-10'),
    ).toBe(60);
    expect(
      windowOverlapMinutes({ start: '21:00', end: '23:00', timezone: NY }, calling, NY, '2026-03-10'),
    ).toBe(0);
  });

  it('converts the agent zone: Los Angeles 05:00–07:00 is New York 08:00–10:00', () => {
    const window = { start: '05:00', end: '07:00', timezone: 'America/Los_Angeles' };
    expect(windowOverlapMinutes(window, calling, NY, '2026-03-10')).toBe(120);
  });

  it('follows each zone’s own DST rules: London is 4 h ahead of New York between 2026-03-08 and 2026-03-29', () => {
    const london = { start: '12:00', end: '18:00', timezone: 'Europe/London' };
    expect(windowOverlapMinutes(london, calling, NY, '2026-03-01')).toBe(300); // 5 h apart: 07:00–13:00 NY
    expect(windowOverlapMinutes(london, calling, NY, '2026-03-10')).toBe(360); // 4 h apart: 08:00–14:00 NY
    expect(windowOverlapMinutes(london, calling, NY, '2026-03-31')).toBe(300); // 5 h apart again
  });

  it('counts an overnight agent window that started the previous day', () => {
    const overnight = { start: '22:00', end: '10:00', timezone: NY };
    // The window of 03-09 22:00 ends 03-10 10:00 (2 h of calling); the one starting 03-10 22:00 is after 21:00.
    expect(windowOverlapMinutes(overnight, calling, NY, '2026-03-10')).toBe(120);
    const lateShift = { start: '20:00', end: '02:00', timezone: NY };
    expect(windowOverlapMinutes(lateShift, calling, NY, '2026-03-10')).toBe(60);
  });

  it('counts overnight calling hours into the next day', () => {
    const nightCalling = { start: '20:00', end: '02:00' };
    expect(
      windowOverlapMinutes({ start: '00:00', end: '04:00', timezone: NY }, nightCalling, NY, '2026-03-10'),
    ).toBe(120);
  });

  it('is DST-aware on the fall-back day: 01:00–03:00 against 00:00–05:00 is 180 min', () => {
    const window = { start: '01:00', end: '03:00', timezone: NY };
    expect(windowOverlapMinutes(window, { start: '00:00', end: '05:00' }, NY, '2026-11-01')).toBe(180);
  });

  it('is DST-aware on the spring-forward day: 00:00–05:00 against itself is 240 min', () => {
    const window = { start: '00:00', end: '05:00', timezone: NY };
    expect(windowOverlapMinutes(window, { start: '00:00', end: '05:00' }, NY, '2026-03-08')).toBe(240);
  });

  it('counts windows of agents far ahead of the campaign zone (Kiritimati vs Pago Pago, 25 h apart)', () => {
    // Pago Pago (UTC−11) 09:00–17:00 on 2026-03-10 is 20:00–04:00 UTC; Kiritimati (UTC+14) sees 2026-03-11 10:00–18:00.
    const window = { start: '10:00', end: '18:00', timezone: 'Pacific/Kiritimati' };
    expect(
      windowOverlapMinutes(window, { start: '09:00', end: '17:00' }, 'Pacific/Pago_Pago', '2026-03-10'),
    ).toBe(480);
  });
});

describe('isWithinWindow', () => {
  const nineToFive = { start: '09:00', end: '17:00' };

  it('includes the start and excludes the end', () => {
    expect(isWithinWindow(nineToFive, NY, new Date('2026-03-10T13:00:00Z'))).toBe(true);
    expect(isWithinWindow(nineToFive, NY, new Date('2026-03-10T12:59:00Z'))).toBe(false);
    expect(isWithinWindow(nineToFive, NY, new Date('2026-03-10T21:00:00Z'))).toBe(false);
  });

  it('handles overnight windows on both sides of midnight', () => {
    const night = { start: '22:00', end: '06:00' };
    expect(isWithinWindow(night, NY, new Date('2026-03-10T03:30:00Z'))).toBe(true); // 23:30 local
    expect(isWithinWindow(night, NY, new Date('2026-03-10T09:30:00Z'))).toBe(true); // 05:30 local
    expect(isWithinWindow(night, NY, new Date('2026-03-10T11:00:00Z'))).toBe(false); // 07:00 local
  });

  it('counts the repeated hour of the fall-back night once', () => {
    const window = { start: '01:00', end: '02:00' };
    expect(isWithinWindow(window, NY, new Date('2026-11-01T05:30:00Z'))).toBe(true); // 01:30 EDT
    expect(isWithinWindow(window, NY, new Date('2026-11-01T06:30:00Z'))).toBe(true); // 01:30 EST, before 02:00 EST
    expect(isWithinWindow(window, NY, new Date('2026-11-01T07:00:00Z'))).toBe(false); // 02:00 EST
  });

  it('evaluates the window in its own zone', () => {
    expect(isWithinWindow(nineToFive, 'Europe/London', new Date('2026-03-10T15:00:00Z'))).toBe(true);
    expect(isWithinWindow(nineToFive, 'Asia/Tokyo', new Date('2026-03-10T15:00:00Z'))).toBe(false);
  });
});
