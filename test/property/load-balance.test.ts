import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { balanceOnConflict } from '../../lib/domain/load-balance.ts';
import type { AgentPlan } from '../../lib/domain/types.ts';
import { agentPlans } from './arbitraries.ts';

const activeIds = (plans: AgentPlan[]) =>
  new Set(plans.filter((plan) => plan.active).map((plan) => plan.userId));

describe('balanceOnConflict (properties)', () => {
  it('never adds an active agent and keeps at most `limit`', () => {
    fc.assert(
      fc.property(agentPlans, fc.integer({ min: 0, max: 40 }), (plans, limit) => {
        const before = activeIds(plans);
        const result = balanceOnConflict(plans, limit);
        const after = activeIds(result.plan);
        for (const id of after) expect(before.has(id)).toBe(true);
        expect(after.size).toBeLessThanOrEqual(Math.min(limit, before.size));
        expect(result.dropped).toEqual([...before].filter((id) => !after.has(id)).sort());
      }),
    );
  });

  it('without a limit, shrinks a non-empty active set and stops on an empty one', () => {
    fc.assert(
      fc.property(agentPlans, (plans) => {
        const before = activeIds(plans);
        const result = balanceOnConflict(plans);
        const after = activeIds(result.plan);
        if (before.size === 0) expect(result).toEqual({ plan: plans, dropped: [] });
        else expect(after.size).toBeLessThan(before.size);
        for (const id of after) expect(before.has(id)).toBe(true);
      }),
    );
  });

  it('keeps the plan’s agents and order; only dropped agents change', () => {
    fc.assert(
      fc.property(
        agentPlans,
        fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
        (plans, limit) => {
          const result = balanceOnConflict(plans, limit);
          const dropped = new Set(result.dropped);
          expect(result.plan.map((plan) => plan.userId)).toEqual(plans.map((plan) => plan.userId));
          result.plan.forEach((plan, index) => {
            if (dropped.has(plan.userId)) {
              expect(plan).toEqual({ ...plans[index], active: false, reason: 'dropped_capacity_conflict' });
            } else {
              expect(plan).toEqual(plans[index]);
            }
          });
        },
      ),
    );
  });
});
