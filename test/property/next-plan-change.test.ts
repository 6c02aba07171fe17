import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextPlanChange, nextWindowChange } from '../../lib/domain/next-plan-change.ts';
import { planActiveAgents } from '../../lib/domain/planner.ts';
import type { CampaignPolicy, Submission } from '../../lib/domain/schemas.ts';
import { isWithinWindow } from '../../lib/domain/time-window.ts';
import {
  PLAN_CHANGE_ZONES,
  planChangeCase,
  TRANSITIONS,
  windowAroundTransition,
} from './plan-change-arbitraries.ts';

const MINUTE_MS = 60_000;
/** A window swallowed by a DST gap skips a day: the next edge is at most two days and an hour away. */
const HORIZON_MS = 49 * 3_600_000;

/** What the scheduler acts on: per agent, whether it is active, why, and with which proficiency. */
function decisions(policy: CampaignPolicy, submission: Submission, ms: number): string {
  return planActiveAgents(policy, submission, new Date(ms))
    .map((plan) => `${plan.userId}:${plan.active}:${plan.reason}:${plan.proficiency}`)
    .join(' ');
}

/** Membership of the instant in the calling hours, then in each agent's window. */
function memberships(policy: CampaignPolicy, submission: Submission, ms: number): boolean[] {
  const now = new Date(ms);
  return [
    isWithinWindow(policy.callingHours, policy.timezone, now),
    ...submission.agents.map(({ availabilityWindow: w }) => isWithinWindow(w, w.timezone, now)),
  ];
}

describe('nextPlanChange (properties)', () => {
  it('finds DST transitions in every zone with DST to generate instants around', () => {
    // Kathmandu and Tokyo have none; each of the others changes twice a year in at least one of the years.
    expect(TRANSITIONS.length).toBeGreaterThanOrEqual(2 * (PLAN_CHANGE_ZONES.length - 2));
  });

  it('one window: membership is constant until the result and flips at it, across gaps and overlaps', () => {
    fc.assert(
      fc.property(windowAroundTransition, ({ range, timeZone, now }) => {
        const nowMs = now.getTime();
        const next = nextWindowChange(range, timeZone, now).getTime();
        expect(next).toBeGreaterThan(nowMs);
        expect(next % MINUTE_MS).toBe(0);
        expect(next - nowMs).toBeLessThanOrEqual(HORIZON_MS);
        const open = (ms: number) => isWithinWindow(range, timeZone, new Date(ms));
        const openAtNow = open(nowMs);
        for (let ms = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS + MINUTE_MS; ms < next; ms += MINUTE_MS) {
          expect(open(ms), new Date(ms).toISOString()).toBe(openAtNow);
        }
        expect(open(next)).toBe(!openAtNow);
      }),
      { numRuns: 200 },
    );
  });

  it('nothing changes before the result, checked minute by minute; the result is a window edge and, with agents, a change', () => {
    fc.assert(
      fc.property(planChangeCase, ({ policy, submission, now }) => {
        const nowMs = now.getTime();
        const next = nextPlanChange(policy, submission, now).getTime();
        expect(next).toBeGreaterThan(nowMs);
        expect(next % MINUTE_MS).toBe(0);
        expect(next - nowMs).toBeLessThanOrEqual(HORIZON_MS);

        const planAtNow = decisions(policy, submission, nowMs);
        const openAtNow = memberships(policy, submission, nowMs);
        const callingOpen = openAtNow[0];
        for (let ms = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS + MINUTE_MS; ms < next; ms += MINUTE_MS) {
          expect(decisions(policy, submission, ms), new Date(ms).toISOString()).toBe(planAtNow);
          // While the calling hours are open no window edge is skipped; while closed they stay closed.
          if (callingOpen) expect(memberships(policy, submission, ms)).toEqual(openAtNow);
          else expect(memberships(policy, submission, ms)[0]).toBe(false);
        }

        const before = memberships(policy, submission, next - MINUTE_MS);
        const at = memberships(policy, submission, next);
        expect(at).not.toEqual(before);
        if (!callingOpen) expect(at[0]).toBe(true);
        // With agents the result is exactly the first change: some agent's reason differs at it.
        if (submission.agents.length > 0) expect(decisions(policy, submission, next)).not.toBe(planAtNow);
      }),
      { numRuns: 200 },
    );
  });
});
