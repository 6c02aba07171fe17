import { describe, expect, it } from 'vitest';
import { balanceOnConflict, MAX_BALANCING_ROUNDS } from '../../../lib/domain/load-balance.ts';
import type { AgentPlan } from '../../../lib/domain/types.ts';

const plan = (userId: string, capacityScore: number, active = true): AgentPlan => ({
  userId,
  active,
  reason: active ? 'active' : 'under_capacity_threshold',
  overlapMinutes: 480,
  capacityScore,
  proficiency: 1,
});

const activeIds = (plans: AgentPlan[]) => plans.filter((p) => p.active).map((p) => p.userId);

describe('balanceOnConflict', () => {
  it('keeps the best `limit` active agents and drops the rest', () => {
    const input = [plan('a', 0.5), plan('b', 0.9), plan('c', 0.7), plan('d', 0.1, false)];
    const { plan: balanced, dropped } = balanceOnConflict(input, 2);
    expect(activeIds(balanced)).toEqual(['b', 'c']);
    expect(dropped).toEqual(['a']);
    expect(balanced[0]).toMatchObject({ userId: 'a', active: false, reason: 'dropped_capacity_conflict' });
    expect(balanced[3]).toEqual(input[3]);
  });

  it('breaks score ties by userId', () => {
    const { dropped } = balanceOnConflict([plan('b', 0.5), plan('a', 0.5), plan('c', 0.5)], 1);
    expect(dropped).toEqual(['b', 'c']);
  });

  it('drops the lowest-scoring quarter without a limit', () => {
    const input = Array.from({ length: 8 }, (_, i) => plan(`u${i}`, i / 10));
    expect(balanceOnConflict(input).dropped).toEqual(['u0', 'u1']);
  });

  it('drops at least one agent without a limit', () => {
    expect(balanceOnConflict([plan('a', 0.9), plan('b', 0.4)]).dropped).toEqual(['b']);
    expect(balanceOnConflict([plan('a', 0.9)]).dropped).toEqual(['a']);
  });

  it('treats a non-finite limit as no limit and a negative one as zero', () => {
    expect(balanceOnConflict([plan('a', 0.9), plan('b', 0.4)], Number.NaN).dropped).toEqual(['b']);
    expect(balanceOnConflict([plan('a', 0.9), plan('b', 0.4)], -3).dropped).toEqual(['a', 'b']);
  });

  it('returns the plan unchanged when nothing is active, so the caller stops', () => {
    const input = [plan('a', 0.1, false)];
    expect(balanceOnConflict(input)).toEqual({ plan: input, dropped: [] });
    expect(balanceOnConflict(input, 0)).toEqual({ plan: input, dropped: [] });
  });

  it('returns the plan unchanged when the limit already fits', () => {
    const input = [plan('a', 0.9), plan('b', 0.4)];
    expect(balanceOnConflict(input, 2)).toEqual({ plan: input, dropped: [] });
  });

  it('does not modify its input', () => {
    const input = [plan('a', 0.9), plan('b', 0.4)];
    const snapshot = structuredClone(input);
    balanceOnConflict(input, 0);
    expect(input).toEqual(snapshot);
  });

  it('bounds the caller to two rounds, each shrinking the active set until it is empty', () => {
    expect(MAX_BALANCING_ROUNDS).toBe(2);
    let current = [plan('a', 0.9), plan('b', 0.8), plan('c', 0.7)];
    for (let round = 0; round < MAX_BALANCING_ROUNDS; round++) {
      const before = activeIds(current).length;
      current = balanceOnConflict(current).plan;
      expect(activeIds(current).length).toBeLessThan(before);
    }
    expect(activeIds(current)).toEqual(['a']);
  });
});
