// When the plan for now can next change, so a scheduler can re-plan a campaign at that minute instead of polling.
//
// The planner's decisions (who is active, why, with which proficiency) depend on time only through membership of
// `now` in the calling hours (campaign zone) and in each agent's availability window (agent zone). Membership
// changes only where the union of a window's daily intervals starts or ends, so the next change is the earliest
// such edge after `now`. Edges are wall-clock minutes resolved by the rule of time-window.ts (a time skipped by a
// DST gap moves forward by the gap, a repeated time takes its first occurrence), which is also the rule
// `isWithinWindow` and so the planner use. Every edge is therefore on a whole minute of UTC (all current zone
// offsets are whole minutes).
import type { Agent, CampaignPolicy } from './schemas.ts';
import {
  addDays,
  type Interval,
  InvalidTimeError,
  isWithinWindow,
  localDateIn,
  type TimeRange,
  windowInterval,
  windowIntervals,
} from './time-window.ts';

/** The local date of `now` in a zone and the date two days later, computed once per zone and call. */
type ZoneDates = Map<string, { today: string; twoDaysLater: string }>;

function datesIn(timeZone: string, now: Date, cache: ZoneDates) {
  let dates = cache.get(timeZone);
  if (!dates) {
    const today = localDateIn(now, timeZone);
    dates = { today, twoDaysLater: addDays(today, 2) };
    cache.set(timeZone, dates);
  }
  return dates;
}

/**
 * The next instant strictly after `now` at which membership of the daily window changes. The window's intervals
 * of consecutive days can overlap or touch around a DST gap (an end moved forward past the next start); such an
 * edge inside another interval is no change, so the intervals are merged first. The window containing `now`
 * started the local day before or that day, and the next one starts that day or the day after; one more day
 * covers a merge across a gap.
 */
function nextEdgeMs(range: TimeRange, timeZone: string, now: Date, cache: ZoneDates): number {
  const nowMs = now.getTime();
  const { today, twoDaysLater } = datesIn(timeZone, now, cache);
  const intervals = [
    ...windowIntervals(range, timeZone, today),
    windowInterval(range, timeZone, twoDaysLater),
  ];
  const merged: Interval[] = [];
  for (const { startMs, endMs } of intervals) {
    if (endMs <= startMs) continue; // a window that falls inside a DST gap is never open
    const last = merged.at(-1);
    if (last && startMs <= last.endMs) last.endMs = Math.max(last.endMs, endMs);
    else merged.push({ startMs, endMs });
  }
  for (const { startMs, endMs } of merged) {
    if (startMs > nowMs) return startMs;
    if (endMs > nowMs) return endMs;
  }
  // Unreachable for a valid window: of two consecutive days at most one can lose its window to a DST gap.
  throw new InvalidTimeError(
    `no edge of window ${range.start}–${range.end} (${timeZone}) after ${now.toISOString()}`,
  );
}

/** The next instant strictly after `now` at which `isWithinWindow(range, timeZone, ·)` changes (a whole minute). */
export function nextWindowChange(range: TimeRange, timeZone: string, now: Date): Date {
  return new Date(nextEdgeMs(range, timeZone, now, new Map()));
}

/**
 * The next instant strictly after `now` at which `planActiveAgents(policy, desired, now)` can decide differently
 * (an agent's `active`, `reason` or `proficiency`): the next opening or closing of the calling hours (campaign
 * zone) or, while the calling hours are open, of any agent's availability window (agent zone). While the calling
 * hours are closed every agent is `outside_calling_hours`, so agent windows cannot change the plan and only the
 * next opening of the calling hours is returned.
 *
 * Always a date (never undefined): the calling hours open and close every day, so even a campaign without agents
 * (`desired` undefined or empty) gets the next edge of its calling hours; that edge is at most about two days away
 * (a window swallowed by a DST gap skips a day). The result is on a whole minute. With at least one agent it is
 * exactly the first instant after `now` at which some agent's `reason` differs from now's; whether anybody's
 * `active` changes too depends on capacity and `maxAgents` (an agent under the capacity threshold whose window
 * opens goes from `outside_agent_window` to `under_capacity_threshold` and stays inactive). `overlapMinutes` is not
 * covered: it describes the campaign's current date, not who is active, and can change at the campaign's local
 * midnight. Throws `InvalidTimeError` / `InvalidTimeZoneError` for windows or zones the schemas refuse.
 */
export function nextPlanChange(
  policy: CampaignPolicy,
  desired: { agents: readonly Agent[] } | undefined,
  now: Date,
): Date {
  const dates: ZoneDates = new Map();
  const callingEdge = nextEdgeMs(policy.callingHours, policy.timezone, now, dates);
  if (!isWithinWindow(policy.callingHours, policy.timezone, now)) return new Date(callingEdge);

  let earliest = callingEdge;
  const seen = new Set<string>();
  for (const { availabilityWindow: window } of desired?.agents ?? []) {
    const key = `${window.start}|${window.end}|${window.timezone}`;
    if (seen.has(key)) continue;
    seen.add(key);
    earliest = Math.min(earliest, nextEdgeMs(window, window.timezone, now, dates));
  }
  return new Date(earliest);
}
