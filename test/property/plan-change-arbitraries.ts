// fast-check arbitraries for nextPlanChange: campaigns in zones with different DST rules, windows biased towards
// the hours where clocks change, and instants spread over years, at DST transitions and at window edges.
import fc from 'fast-check';
import type { Agent, CampaignPolicy, Submission } from '../../lib/domain/schemas.ts';
import { addDays, type TimeRange, windowInterval } from '../../lib/domain/time-window.ts';
import { policyArbitrary, timeOfDay } from './arbitraries.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/**
 * New York and London change on different Sundays in March; Lord Howe shifts by 30 minutes; Santiago and São Paulo
 * (DST until 2019) change at midnight; Chatham at 02:45 / 03:45 with a +12:45 offset; Kathmandu (+05:45) and Tokyo
 * have no DST.
 */
export const PLAN_CHANGE_ZONES = [
  'America/New_York',
  'Europe/London',
  'Australia/Lord_Howe',
  'America/Santiago',
  'America/Sao_Paulo',
  'Pacific/Chatham',
  'Asia/Kathmandu',
  'Asia/Tokyo',
] as const;

const YEARS = [2001, 2008, 2014, 2018, 2026, 2027, 2033, 2037];

// The zone's UTC offset at an instant, read from Intl independently of the code under test.
const offsetFormatters = new Map<string, Intl.DateTimeFormat>();
function offsetMinutes(timeZone: string, ms: number): number {
  let formatter = offsetFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    offsetFormatters.set(timeZone, formatter);
  }
  const name = formatter.formatToParts(ms).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!match) return 0;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
}

/** The exact instants (whole minutes) at which the zone's offset changes during `year`. */
function transitionsIn(timeZone: string, year: number): number[] {
  const found: number[] = [];
  let ms = Date.UTC(year, 0, 1);
  const end = Date.UTC(year + 1, 0, 1);
  const step = 7 * 24 * HOUR_MS; // zones never change twice within a week
  while (ms < end) {
    const next = ms + step;
    if (offsetMinutes(timeZone, ms) !== offsetMinutes(timeZone, next)) {
      let low = ms;
      let high = next;
      while (high - low > MINUTE_MS) {
        const middle = low + Math.floor((high - low) / 2 / MINUTE_MS) * MINUTE_MS;
        if (offsetMinutes(timeZone, middle) === offsetMinutes(timeZone, low)) low = middle;
        else high = middle;
      }
      found.push(high);
    }
    ms = next;
  }
  return found;
}

export interface Transition {
  timeZone: string;
  ms: number;
}

/** Every offset change of the zones above in the years above (about ninety). */
export const TRANSITIONS: readonly Transition[] = PLAN_CHANGE_ZONES.flatMap((timeZone) =>
  YEARS.flatMap((year) => transitionsIn(timeZone, year).map((ms) => ({ timeZone, ms }))),
);

const toHHmm = (minuteOfDay: number) => {
  const minute = ((minuteOfDay % 1440) + 1440) % 1440;
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
};

/** The local wall-clock minute of day, in the zone, of the last minute before a transition (01:59 for 02:00). */
function wallMinuteBefore({ timeZone, ms }: Transition): number {
  const wallMs = ms - MINUTE_MS + offsetMinutes(timeZone, ms - MINUTE_MS) * MINUTE_MS;
  return Math.floor(wallMs / MINUTE_MS) % 1440;
}

/** Times of day, two thirds of them at the hours where clocks change somewhere or at common window edges. */
const biasedTime = fc.oneof(
  timeOfDay,
  fc.constantFrom('00:00', '00:30', '01:00', '01:30', '01:45', '02:00', '02:15', '02:30', '02:45', '03:00'),
  fc.constantFrom('03:10', '03:30', '03:45', '04:00', '08:00', '09:00', '17:00', '21:00', '23:00', '23:30'),
);

/** Times of day from 90 minutes before to 150 minutes after the local time of a transition (its gap or overlap). */
function timesAround(transition: Transition): fc.Arbitrary<string> {
  const before = wallMinuteBefore(transition);
  return fc.integer({ min: -90, max: 150 }).map((k) => toHHmm(before + 1 + k));
}

function rangeOf(time: fc.Arbitrary<string>): fc.Arbitrary<TimeRange> {
  return fc
    .tuple(time, time)
    .filter(([start, end]) => start !== end)
    .map(([start, end]) => ({ start, end }));
}

const zone = fc.constantFrom(...PLAN_CHANGE_ZONES);

function agent(id: string, window: Agent['availabilityWindow'], recentCallRate: number): Agent {
  return {
    userId: id,
    skills: ['preview-qualified'],
    availabilityWindow: window,
    maxConcurrentCalls: 1,
    recentCallRate,
  };
}

/** 0–6 agents over 1–4 distinct windows, so some agents share a window. */
function agents(window: fc.Arbitrary<Agent['availabilityWindow']>): fc.Arbitrary<Agent[]> {
  return fc
    .tuple(
      fc.array(window, { minLength: 1, maxLength: 4 }),
      fc.array(fc.tuple(fc.nat(), fc.double({ min: 0, max: 12, noNaN: true })), { maxLength: 6 }),
    )
    .map(([windows, picks]) =>
      picks.map(([pick, rate], index) => agent(`agent-${index}`, windows[pick % windows.length]!, rate)),
    );
}

function campaign(
  callingHours: fc.Arbitrary<TimeRange>,
  window: fc.Arbitrary<Agent['availabilityWindow']>,
  zones: readonly string[],
) {
  return fc
    .tuple(policyArbitrary(zones), callingHours, agents(window))
    .map(([policy, hours, desiredAgents]) => ({
      policy: { ...policy, callingHours: hours } satisfies CampaignPolicy,
      submission: { agents: desiredAgents } satisfies Submission,
    }));
}

const biasedRange = rangeOf(biasedTime);
const anyCampaign = campaign(
  biasedRange,
  fc.tuple(biasedRange, zone).map(([range, timezone]) => ({ ...range, timezone })),
  PLAN_CHANGE_ZONES,
);

const anyInstant = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2037, 11, 31) });
const nearby = fc.constantFrom(-MINUTE_MS, -30_000, -1, 0, 1, 30_000, MINUTE_MS);
const near = (ms: number) =>
  fc.oneof(nearby, fc.integer({ min: -36 * HOUR_MS, max: 36 * HOUR_MS })).map((delta) => ms + delta);
const aroundTransition = fc.constantFrom(...TRANSITIONS).chain(({ ms }) => near(ms));

/**
 * A campaign whose calling hours and agent windows start and end around the local time of one transition, in its
 * zone (so windows open or close inside a gap or an overlap, and consecutive days' windows may overlap), and an
 * instant within 36 h of it.
 */
const aroundOneTransition = fc.constantFrom(...TRANSITIONS).chain((transition) => {
  const range = rangeOf(timesAround(transition));
  return fc.tuple(
    campaign(
      fc.oneof(range, biasedRange),
      range.map((r) => ({ ...r, timezone: transition.timeZone })),
      [transition.timeZone],
    ),
    near(transition.ms),
  );
});

/** One window (in the transition's zone) with edges around the local time of a transition, and an instant near it. */
export const windowAroundTransition = fc.constantFrom(...TRANSITIONS).chain((transition) =>
  fc.record({
    range: rangeOf(timesAround(transition)),
    timeZone: fc.constant(transition.timeZone),
    now: fc
      .oneof(
        near(transition.ms),
        fc.integer({ min: -6 * HOUR_MS, max: 6 * HOUR_MS }).map((d) => transition.ms + d),
      )
      .map((ms) => new Date(ms)),
  }),
);

export interface PlanChangeCase {
  policy: CampaignPolicy;
  submission: Submission;
  now: Date;
}

/**
 * A campaign and an instant. Half: windows anywhere in the day, any of the zones, and an instant anywhere in
 * 2000–2037, within 36 h of a DST transition, or just before / at / after an edge of one of the campaign's own
 * windows. The other half: windows around the local time of one transition, in its zone, and an instant near it.
 */
export const planChangeCase: fc.Arbitrary<PlanChangeCase> = fc.oneof(
  anyCampaign.chain(({ policy, submission }) => {
    const windows: [TimeRange, string][] = [
      [policy.callingHours, policy.timezone],
      ...submission.agents.map((a): [TimeRange, string] => [
        a.availabilityWindow,
        a.availabilityWindow.timezone,
      ]),
    ];
    const atEdge = fc
      .tuple(
        fc.constantFrom(...windows),
        fc.oneof(aroundTransition, anyInstant),
        fc.integer({ min: -1, max: 1 }),
        fc.boolean(),
        nearby,
      )
      .map(([[range, timeZone], around, dayShift, atStart, delta]) => {
        const date = addDays(new Date(around).toISOString().slice(0, 10), dayShift);
        const interval = windowInterval(range, timeZone, date);
        return (atStart ? interval.startMs : interval.endMs) + delta;
      });
    return fc
      .oneof(anyInstant, aroundTransition, atEdge)
      .map((ms): PlanChangeCase => ({ policy, submission, now: new Date(ms) }));
  }),
  aroundOneTransition.map(
    ([{ policy, submission }, ms]): PlanChangeCase => ({ policy, submission, now: new Date(ms) }),
  ),
);
