import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planActiveAgents } from '../../lib/domain/planner.ts';
import { isWithinWindow } from '../../lib/domain/time-window.ts';
import { FIXED_ZONES, instant, permute, policyArbitrary, submissionArbitrary } from './arbitraries.ts';

const fixedZones = Object.keys(FIXED_ZONES) as (keyof typeof FIXED_ZONES)[];

/** Wall-clock oracle, exact for zones without DST. */
function openAt(range: { start: string; end: string }, zone: keyof typeof FIXED_ZONES, now: Date): boolean {
  const toMinutes = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3));
  const local = (((Math.floor(now.getTime() / 60_000) + FIXED_ZONES[zone]) % 1440) + 1440) % 1440;
  const start = toMinutes(range.start);
  const end = toMinutes(range.end);
  return start < end ? local >= start && local < end : local >= start || local < end;
}

describe('planActiveAgents (properties)', () => {
  it('never activates more than maxAgents', () => {
    fc.assert(
      fc.property(policyArbitrary(), submissionArbitrary(), instant, (policy, submission, now) => {
        const active = planActiveAgents(policy, submission, now).filter((plan) => plan.active);
        expect(active.length).toBeLessThanOrEqual(policy.maxAgents);
      }),
    );
  });

  it('never activates an agent outside its window, outside calling hours or under the threshold', () => {
    fc.assert(
      fc.property(policyArbitrary(), submissionArbitrary(), instant, (policy, submission, now) => {
        const agents = new Map(submission.agents.map((agent) => [agent.userId, agent]));
        for (const plan of planActiveAgents(policy, submission, now)) {
          if (!plan.active) continue;
          const window = agents.get(plan.userId)!.availabilityWindow;
          expect(isWithinWindow(policy.callingHours, policy.timezone, now)).toBe(true);
          expect(isWithinWindow(window, window.timezone, now)).toBe(true);
          expect(plan.capacityScore).toBeGreaterThanOrEqual(policy.capacityThreshold);
        }
      }),
    );
  });

  it('agrees with a wall-clock oracle in zones without DST', () => {
    fc.assert(
      fc.property(
        policyArbitrary(fixedZones),
        submissionArbitrary(fixedZones),
        instant,
        (policy, submission, now) => {
          const campaignOpen = openAt(policy.callingHours, policy.timezone as keyof typeof FIXED_ZONES, now);
          const agents = new Map(submission.agents.map((agent) => [agent.userId, agent]));
          for (const plan of planActiveAgents(policy, submission, now)) {
            const window = agents.get(plan.userId)!.availabilityWindow;
            const agentOpen = openAt(window, window.timezone as keyof typeof FIXED_ZONES, now);
            if (!campaignOpen) expect(plan.reason).toBe('outside_calling_hours');
            else if (!agentOpen) expect(plan.reason).toBe('outside_agent_window');
            else expect(plan.reason).not.toMatch(/^outside_/);
          }
        },
      ),
    );
  });

  it('activates the best-ranked eligible agents: no agent over_max_agents outranks an active one', () => {
    fc.assert(
      fc.property(policyArbitrary(), submissionArbitrary(), instant, (policy, submission, now) => {
        const plans = planActiveAgents(policy, submission, now);
        const active = plans.filter((plan) => plan.active);
        const overflow = plans.filter((plan) => plan.reason === 'over_max_agents');
        if (overflow.length > 0) expect(active.length).toBe(policy.maxAgents);
        for (const left of overflow) {
          for (const kept of active) {
            const keptFirst =
              kept.capacityScore > left.capacityScore ||
              (kept.capacityScore === left.capacityScore && kept.userId < left.userId);
            expect(keptFirst).toBe(true);
          }
        }
      }),
    );
  });

  it('is deterministic and independent of the order of the agents', () => {
    fc.assert(
      fc.property(
        policyArbitrary(),
        submissionArbitrary(),
        instant,
        fc.array(fc.double({ noNaN: true }), { minLength: 25, maxLength: 25 }),
        (policy, submission, now, keys) => {
          const plans = planActiveAgents(policy, submission, now);
          expect(planActiveAgents(policy, submission, now)).toEqual(plans);
          const shuffled = { ...submission, agents: permute(submission.agents, keys) };
          expect(planActiveAgents(policy, shuffled, now)).toEqual(plans);
        },
      ),
    );
  });
});
