// fast-check arbitraries for the domain property tests.
import fc from 'fast-check';
import type { Agent, CampaignPolicy, Submission } from '../../lib/domain/schemas.ts';
import type { AgentPlan, SkillAssignment } from '../../lib/domain/types.ts';

export const DST_ZONES = [
  'America/New_York',
  'Europe/London',
  'America/Los_Angeles',
  'Australia/Sydney',
] as const;
/** Zones without DST, with their fixed offset in minutes: a wall-clock oracle is exact for them. */
export const FIXED_ZONES = { UTC: 0, 'Asia/Tokyo': 540, 'Asia/Kolkata': 330, 'Etc/GMT+5': -300 } as const;
export const ZONES = [...DST_ZONES, ...(Object.keys(FIXED_ZONES) as (keyof typeof FIXED_ZONES)[])];

export const timeOfDay = fc
  .integer({ min: 0, max: 1439 })
  .map(
    (minute) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`,
  );

export const timeRange = fc
  .tuple(timeOfDay, timeOfDay)
  .filter(([start, end]) => start !== end)
  .map(([start, end]) => ({ start, end }));

const DST_DAYS = ['2026-03-08', '2026-03-29', '2026-04-05', '2026-10-04', '2026-10-25', '2026-11-01'];

/** Instants in 2025–2027, a third of them on DST-change days of the zones above. */
export const instant = fc.oneof(
  fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2027, 11, 31) }).map((ms) => new Date(ms)),
  fc
    .tuple(fc.constantFrom(...DST_DAYS), fc.integer({ min: -12 * 60, max: 36 * 60 }))
    .map(([day, minutes]) => new Date(Date.parse(`${day}T00:00:00Z`) + minutes * 60_000)),
);

export const userId = fc.stringMatching(/^[A-Za-z0-9._:@-]{1,12}$/);

export function agentArbitrary(zones: readonly string[], id: string): fc.Arbitrary<Agent> {
  return fc
    .record({
      userId: fc.constant(id),
      skills: fc.constant<string[]>(['preview-qualified']),
      availabilityWindow: fc
        .tuple(timeRange, fc.constantFrom(...zones))
        .map(([range, timezone]) => ({ ...range, timezone })),
      maxConcurrentCalls: fc.integer({ min: 1, max: 2 }),
      recentCallRate: fc.option(fc.double({ min: 0, max: 20, noNaN: true }), { nil: undefined }),
    })
    .map((agent): Agent => {
      if (agent.recentCallRate === undefined) {
        const { recentCallRate: _omitted, ...rest } = agent;
        return rest;
      }
      return agent;
    });
}

export function submissionArbitrary(zones: readonly string[] = ZONES): fc.Arbitrary<Submission> {
  return fc
    .uniqueArray(userId, { minLength: 1, maxLength: 25 })
    .chain((ids) => fc.tuple(...ids.map((id) => agentArbitrary(zones, id))))
    .chain((agents) =>
      fc
        .option(fc.double({ min: 0.5, max: 20, noNaN: true }), { nil: undefined })
        .map((callRateTarget) => (callRateTarget === undefined ? { agents } : { agents, callRateTarget })),
    );
}

export function policyArbitrary(zones: readonly string[] = ZONES): fc.Arbitrary<CampaignPolicy> {
  return fc.record({
    campaignId: fc.constant('campaign-1'),
    cxoneSkillId: fc.constant(4501234),
    timezone: fc.constantFrom(...zones),
    callingHours: timeRange,
    allowedAgentTimezones: fc.constant([...zones]),
    minWindowOverlapMinutes: fc.constant(0),
    maxAgents: fc.integer({ min: 1, max: 12 }),
    maxConcurrentCallsPerAgent: fc.constant(2),
    requiredSkills: fc.constant(['preview-qualified']),
    callRateTarget: fc.double({ min: 0.5, max: 20, noNaN: true }),
    capacityThreshold: fc.double({ min: 0, max: 1, noNaN: true }),
  });
}

export const skillAssignments: fc.Arbitrary<SkillAssignment[]> = fc.uniqueArray(
  fc.record({ userId, isActive: fc.boolean(), proficiency: fc.integer({ min: 1, max: 5 }) }),
  { selector: (assignment) => assignment.userId, maxLength: 30 },
);

export const agentPlans: fc.Arbitrary<AgentPlan[]> = fc.uniqueArray(
  fc.record({
    userId,
    active: fc.boolean(),
    reason: fc.constant('active' as const),
    overlapMinutes: fc.integer({ min: 0, max: 1440 }),
    capacityScore: fc.oneof(fc.constantFrom(0, 0.5, 1), fc.double({ min: 0, max: 1, noNaN: true })),
    proficiency: fc.integer({ min: 1, max: 5 }),
  }),
  { selector: (plan) => plan.userId, maxLength: 30 },
);

/** A permutation of `items` driven by `keys` (one random number per item). */
export function permute<T>(items: readonly T[], keys: readonly number[]): T[] {
  return items
    .map((item, index) => ({ item, key: keys[index] ?? 0, index }))
    .sort((a, b) => a.key - b.key || a.index - b.index)
    .map(({ item }) => item);
}
