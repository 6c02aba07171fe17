// Wall-clock windows in IANA time zones, converted to UTC instants with DST handled.
//
// Wall-clock → instant rule (the same as Temporal's `disambiguation: 'compatible'`):
// - a wall-clock time that exists once maps to that instant;
// - an ambiguous time (repeated in a fall-back overlap, e.g. 01:30 on 2026-11-01 in America/New_York) maps to the
//   EARLIER instant (the first occurrence, still on daylight time);
// - a nonexistent time (skipped in a spring-forward gap, e.g. 02:30 on 2026-03-08 in America/New_York) maps FORWARD
//   by the length of the gap (02:30 → 03:30 EDT).
// A window `start`–`end` on a date is the instant interval [start, end); `end < start` ends the next day. Should the
// rule make an interval end before it starts (only possible inside a gap), the interval is empty.

/** A daily time range `HH:mm`–`HH:mm`; `end < start` means overnight. */
export interface TimeRange {
  start: string;
  end: string;
}

/** Half-open UTC interval [startMs, endMs) in epoch milliseconds. */
export interface Interval {
  startMs: number;
  endMs: number;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** IANA names are `/`-separated segments that each start with an upper-case letter (`Etc/GMT+5`, `EST5EDT`, `UTC`). */
const IANA_NAME_SHAPE = /^[A-Z][A-Za-z0-9_+-]*(?:\/[A-Z][A-Za-z0-9_+-]*)*$/;
const CACHE_LIMIT = 4096;

export class InvalidTimeError extends Error {
  override name = 'InvalidTimeError';
}

export class InvalidTimeZoneError extends Error {
  override name = 'InvalidTimeZoneError';
}

/** Minutes since midnight of a strict `HH:mm` (00:00–23:59). */
export function parseTimeOfDay(value: string): number {
  const match = TIME_OF_DAY.exec(value);
  if (!match) throw new InvalidTimeError(`not a HH:mm time of day: ${JSON.stringify(value)}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

// ---- time zones -------------------------------------------------------------------------------------------------

const formatters = new Map<string, Intl.DateTimeFormat>();
const zoneValidity = new Map<string, boolean>();

function createFormatter(timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    era: 'short',
  });
}

/**
 * A valid IANA time zone: its name has the IANA shape (so offsets like `+01:00` and wrongly-cased names like
 * `america/new_york` are refused) and the runtime's tz database knows it, canonical name or link alike
 * (`America/New_York`, `UTC`, `Etc/UTC`, `Asia/Kolkata`, `US/Eastern`). Typos and invented zones
 * (`America/New_Yrok`, `Mars/Olympus`) are refused. `Intl.supportedValuesOf('timeZone')` alone is not enough: it
 * lists ICU's canonical names only and lacks `UTC`, `Asia/Kolkata` or `Europe/Kyiv`.
 */
export function isValidTimeZone(timeZone: string): boolean {
  const known = zoneValidity.get(timeZone);
  if (known !== undefined) return known;
  const valid = checkTimeZone(timeZone);
  if (zoneValidity.size >= CACHE_LIMIT) zoneValidity.clear();
  zoneValidity.set(timeZone, valid);
  return valid;
}

function checkTimeZone(timeZone: string): boolean {
  if (typeof timeZone !== 'string' || timeZone.length > 64 || !IANA_NAME_SHAPE.test(timeZone)) return false;
  let resolved: string;
  try {
    resolved = createFormatter(timeZone).resolvedOptions().timeZone;
  } catch {
    return false;
  }
  // ICU matches names case-insensitively; a name that only differs in case from its canonical form is a typo.
  return resolved === timeZone || resolved.toLowerCase() !== timeZone.toLowerCase();
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    if (!isValidTimeZone(timeZone)) throw new InvalidTimeZoneError(`not a valid IANA time zone: ${timeZone}`);
    formatter = createFormatter(timeZone);
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

interface WallClock {
  /** Days since 1970-01-01 of the local date. */
  day: number;
  /** Minutes since local midnight. */
  minute: number;
  /** Zone offset in ms (local wall clock minus UTC) at that instant. */
  offsetMs: number;
}

function computeWallClock(instantMs: number, timeZone: string): WallClock {
  const wholeSecondMs = Math.floor(instantMs / 1000) * 1000;
  let year = 0;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let bc = false;
  for (const part of formatterFor(timeZone).formatToParts(wholeSecondMs)) {
    switch (part.type) {
      case 'year':
        year = Number(part.value);
        break;
      case 'month':
        month = Number(part.value);
        break;
      case 'day':
        day = Number(part.value);
        break;
      case 'hour':
        hour = Number(part.value);
        break;
      case 'minute':
        minute = Number(part.value);
        break;
      case 'second':
        second = Number(part.value);
        break;
      case 'era':
        bc = part.value === 'BC' || part.value === 'B';
        break;
    }
  }
  if (bc) year = 1 - year;
  const localMidnight = Date.UTC(year, month - 1, day);
  const wallMs = localMidnight + ((hour * 60 + minute) * 60 + second) * 1000;
  return { day: localMidnight / DAY_MS, minute: hour * 60 + minute, offsetMs: wallMs - wholeSecondMs };
}

// One remembered instant per zone: the planner asks every agent's zone about the same `now`.
const lastWallClock = new Map<string, { instantMs: number; wall: WallClock }>();

function wallClockAt(instantMs: number, timeZone: string): WallClock {
  const last = lastWallClock.get(timeZone);
  if (last && last.instantMs === instantMs) return last.wall;
  const wall = computeWallClock(instantMs, timeZone);
  if (lastWallClock.size >= CACHE_LIMIT) lastWallClock.clear();
  lastWallClock.set(timeZone, { instantMs, wall });
  return wall;
}

/**
 * Offsets of a zone shortly before and after a local day (epoch day number). When they are equal the zone has no
 * transition that day (zones never change offset twice within a few days), so wall-clock → instant is arithmetic.
 */
interface ZoneDay {
  offsetBeforeMs: number;
  offsetAfterMs: number;
  /** Resolved instants of that day's wall-clock minutes, filled only on transition days. */
  resolved?: Map<number, number>;
}

const zoneDays = new Map<string, Map<number, ZoneDay>>();

function zoneDay(day: number, timeZone: string): ZoneDay {
  let days = zoneDays.get(timeZone);
  if (!days) {
    days = new Map();
    zoneDays.set(timeZone, days);
  }
  let info = days.get(day);
  if (!info) {
    // |offset| ≤ 14 h, so these instants lie before the local day starts and after it ends.
    info = {
      offsetBeforeMs: computeWallClock((day - 1) * DAY_MS, timeZone).offsetMs,
      offsetAfterMs: computeWallClock((day + 2) * DAY_MS, timeZone).offsetMs,
    };
    if (days.size >= CACHE_LIMIT) days.clear();
    days.set(day, info);
  }
  return info;
}

/** Wall clock (epoch day + minutes since midnight, may be ≥ 1440 for the next day) → UTC epoch ms. */
function zonedMinutesToMs(day: number, minuteOfDay: number, timeZone: string): number {
  const wallMs = day * DAY_MS + minuteOfDay * MINUTE_MS;
  const info = zoneDay(day, timeZone);
  if (info.offsetBeforeMs === info.offsetAfterMs) return wallMs - info.offsetBeforeMs;
  info.resolved ??= new Map();
  let instantMs = info.resolved.get(minuteOfDay);
  if (instantMs === undefined) {
    instantMs = resolveAcrossTransition(wallMs, info, timeZone);
    info.resolved.set(minuteOfDay, instantMs);
  }
  return instantMs;
}

function resolveAcrossTransition(wallMs: number, info: ZoneDay, timeZone: string): number {
  const before = wallMs - info.offsetBeforeMs;
  const after = wallMs - info.offsetAfterMs;
  const beforeValid = computeWallClock(before, timeZone).offsetMs === info.offsetBeforeMs;
  const afterValid = computeWallClock(after, timeZone).offsetMs === info.offsetAfterMs;
  if (beforeValid && afterValid) return Math.min(before, after); // ambiguous: the earlier instant
  if (beforeValid) return before;
  if (afterValid) return after;
  return before; // nonexistent: shifted forward by the gap (the offset before the transition)
}

// ---- dates ------------------------------------------------------------------------------------------------------

function parseIsoDate(date: string): number {
  const match = ISO_DATE.exec(date);
  if (!match) throw new InvalidTimeError(`not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
  const year = Number(match[1]);
  const month = Number(match[2]);
  const dayOfMonth = Number(match[3]);
  const ms = Date.UTC(year, month - 1, dayOfMonth);
  const check = new Date(ms);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== dayOfMonth) {
    throw new InvalidTimeError(`not a calendar date: ${date}`);
  }
  return ms / DAY_MS;
}

function formatIsoDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** `YYYY-MM-DD` shifted by a number of days. */
export function addDays(date: string, days: number): string {
  return formatIsoDate(parseIsoDate(date) + days);
}

/** The local calendar date `YYYY-MM-DD` of an instant in a zone. */
export function localDateIn(now: Date, timeZone: string): string {
  return formatIsoDate(wallClockAt(now.getTime(), timeZone).day);
}

/** The local wall-clock time `HH:mm` of an instant in a zone. */
export function localTimeIn(now: Date, timeZone: string): string {
  const { minute } = wallClockAt(now.getTime(), timeZone);
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/** Wall-clock `date` + `time` in `timeZone` → the UTC instant (see the rule at the top of this file). */
export function zonedTimeToInstant(date: string, time: string, timeZone: string): Date {
  return new Date(zonedMinutesToMs(parseIsoDate(date), parseTimeOfDay(time), timeZone));
}

// ---- windows ----------------------------------------------------------------------------------------------------

interface ParsedRange {
  startMinute: number;
  endMinute: number;
}

function parseRange(range: TimeRange): ParsedRange {
  const startMinute = parseTimeOfDay(range.start);
  const endMinute = parseTimeOfDay(range.end);
  if (startMinute === endMinute) throw new InvalidTimeError(`window start equals end (${range.start})`);
  return { startMinute, endMinute };
}

function intervalOnDay(range: ParsedRange, timeZone: string, day: number): Interval {
  const startMs = zonedMinutesToMs(day, range.startMinute, timeZone);
  const endMs =
    range.endMinute > range.startMinute
      ? zonedMinutesToMs(day, range.endMinute, timeZone)
      : zonedMinutesToMs(day + 1, range.endMinute, timeZone);
  return { startMs, endMs: Math.max(startMs, endMs) };
}

/** The UTC interval of the window that starts on local `date` in `timeZone` (overnight windows end the next day). */
export function windowInterval(range: TimeRange, timeZone: string, date: string): Interval {
  return intervalOnDay(parseRange(range), timeZone, parseIsoDate(date));
}

/** The UTC intervals of the windows starting the day before, on, and the day after local `aroundDate`. */
export function windowIntervals(range: TimeRange, timeZone: string, aroundDate: string): Interval[] {
  const parsed = parseRange(range);
  const day = parseIsoDate(aroundDate);
  return [day - 1, day, day + 1].map((d) => intervalOnDay(parsed, timeZone, d));
}

/** Length, in ms, of the union of `intervals` clipped to `bounds`. */
function clippedUnionMs(intervals: Interval[], bounds: Interval): number {
  const clipped: Interval[] = [];
  for (const interval of intervals) {
    const startMs = Math.max(interval.startMs, bounds.startMs);
    const endMs = Math.min(interval.endMs, bounds.endMs);
    if (endMs > startMs) clipped.push({ startMs, endMs });
  }
  clipped.sort((a, b) => a.startMs - b.startMs);
  let total = 0;
  let coveredUntil = Number.NEGATIVE_INFINITY;
  for (const { startMs, endMs } of clipped) {
    const from = Math.max(startMs, coveredUntil);
    if (endMs > from) total += endMs - from;
    coveredUntil = Math.max(coveredUntil, endMs);
  }
  return total;
}

/**
 * DST-aware overlap, in whole minutes, of an agent's daily window (local to `agentWindow.timezone`) with the
 * campaign's calling hours on the campaign's local `date` (the calling-hours window that starts that day).
 * Every agent window that can touch those calling hours is counted — the ones starting the previous, same and
 * next day in the agent's zone, and further days when the zones are far apart — so overnight windows and zone
 * offsets are covered; overlapping agent windows (possible around a DST gap) are counted once.
 */
export function windowOverlapMinutes(
  agentWindow: TimeRange & { timezone: string },
  callingHours: TimeRange,
  campaignTimeZone: string,
  date: string,
): number {
  const campaign = windowInterval(callingHours, campaignTimeZone, date);
  if (campaign.endMs <= campaign.startMs) return 0;
  const agentRange = parseRange(agentWindow);
  const agentZone = agentWindow.timezone;
  // Local agent days whose window (≤ 25 h long, starting that day) can reach into the campaign interval.
  const { offsetBeforeMs, offsetAfterMs } = zoneDay(parseIsoDate(date), agentZone);
  const minOffset = Math.min(offsetBeforeMs, offsetAfterMs);
  const maxOffset = Math.max(offsetBeforeMs, offsetAfterMs);
  const firstDay = Math.floor((campaign.startMs + minOffset - HOUR_MS) / DAY_MS) - 1;
  const lastDay = Math.floor((campaign.endMs + maxOffset + HOUR_MS) / DAY_MS);
  const agentIntervals: Interval[] = [];
  for (let day = firstDay; day <= lastDay; day++)
    agentIntervals.push(intervalOnDay(agentRange, agentZone, day));
  return Math.floor(clippedUnionMs(agentIntervals, campaign) / MINUTE_MS);
}

/** Whether `now` falls inside the daily window (local to `timeZone`), DST-aware, overnight windows included. */
export function isWithinWindow(range: TimeRange, timeZone: string, now: Date): boolean {
  const nowMs = now.getTime();
  const parsed = parseRange(range);
  const today = wallClockAt(nowMs, timeZone).day;
  for (const day of [today - 1, today]) {
    const { startMs, endMs } = intervalOnDay(parsed, timeZone, day);
    if (nowMs >= startMs && nowMs < endMs) return true;
  }
  return false;
}
