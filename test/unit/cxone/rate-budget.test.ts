import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AimdParams,
  currentRate,
  decreasedState,
  leaseSize,
  slotLimit,
  tokenTimes,
} from '../../../lib/cxone/rate-budget.ts';
import { InMemoryRateBudget } from '../../support/in-memory-rate-budget.ts';
import { rateBudgetContract } from '../../support/rate-budget-contract.ts';

const params: AimdParams = { ceiling: 50, beta: 0.8, alpha: 1, decreaseIntervalMs: 1000, minRate: 1 };

const arbParams = fc.record({
  ceiling: fc.double({ min: 1, max: 1000, noNaN: true }),
  beta: fc.double({ min: 0.1, max: 0.95, noNaN: true }),
  alpha: fc.double({ min: 0.01, max: 50, noNaN: true }),
  decreaseIntervalMs: fc.integer({ min: 1, max: 10_000 }),
});
/** A history of 429s: the gaps (ms) between them. */
const arbGaps = fc.array(fc.integer({ min: 0, max: 20_000 }), { maxLength: 30 });

function replay(p: AimdParams, gaps: number[], start = 1_000_000) {
  let state: ReturnType<typeof decreasedState>;
  let now = start;
  for (const gap of gaps) {
    now += gap;
    state = decreasedState(state, p, now) ?? state;
  }
  return { state, now };
}

describe('AIMD', () => {
  it('starts at the ceiling and drops by beta on a 429', () => {
    expect(currentRate(undefined, params, 0)).toBe(50);
    const state = decreasedState(undefined, params, 5000);
    expect(state).toEqual({ floorRate: 40, decreasedAt: 5000 });
    expect(currentRate(state, params, 5000)).toBe(40);
  });

  it('decreases at most once per interval, so a burst of 429s costs one step', () => {
    const state = decreasedState(undefined, params, 5000);
    expect(decreasedState(state, params, 5999)).toBeUndefined();
    expect(decreasedState(state, params, 6000)?.floorRate).toBeCloseTo(41 * 0.8);
  });

  it('cuts to beta × the rate that got through when many requests were refused, at most to a quarter of it', () => {
    expect(decreasedState(undefined, params, 5000, 0.6)?.floorRate).toBeCloseTo(50 * 0.4 * 0.8);
    expect(decreasedState(undefined, params, 5000, 1)?.floorRate).toBeCloseTo(50 * 0.25 * 0.8);
  });

  it('regains alpha per second and stops at the ceiling', () => {
    const state = { floorRate: 20, decreasedAt: 0 };
    expect(currentRate(state, params, 10_000)).toBe(30);
    expect(currentRate(state, params, 30_000)).toBe(50);
    expect(currentRate(state, params, 300_000)).toBe(50);
  });

  it('property: the rate never exceeds the ceiling nor drops below the minimum', () => {
    fc.assert(
      fc.property(arbParams, arbGaps, fc.integer({ min: 0, max: 100_000 }), (p, gaps, later) => {
        const aimd = { ...p, minRate: Math.min(1, p.ceiling) };
        const { state, now } = replay(aimd, gaps);
        const rate = currentRate(state, aimd, now + later);
        return rate <= aimd.ceiling && rate >= aimd.minRate;
      }),
    );
  });

  it('property: a decrease lowers the rate unless it is already at the minimum', () => {
    fc.assert(
      fc.property(
        arbParams,
        arbGaps,
        fc.integer({ min: 0, max: 100_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (p, gaps, later, share) => {
          const aimd = { ...p, minRate: Math.min(1, p.ceiling) };
          const { state, now } = replay(aimd, gaps);
          const at = now + later;
          const next = decreasedState(state, aimd, at, share);
          if (!next) return state !== undefined && at - state.decreasedAt < aimd.decreaseIntervalMs;
          const before = currentRate(state, aimd, at);
          return currentRate(next, aimd, at) < before || before === aimd.minRate;
        },
      ),
    );
  });

  it('property: without 429s the rate is back at the ceiling after (ceiling - floor) / alpha seconds', () => {
    fc.assert(
      fc.property(arbParams, arbGaps, (p, gaps) => {
        const aimd = { ...p, minRate: Math.min(1, p.ceiling) };
        const { state, now } = replay(aimd, gaps);
        if (!state) return currentRate(state, aimd, now) === aimd.ceiling;
        const back = state.decreasedAt + Math.ceil(((aimd.ceiling - state.floorRate) / aimd.alpha) * 1000);
        return currentRate(state, aimd, Math.max(now, back)) === aimd.ceiling;
      }),
    );
  });
});

describe('leases and slots', () => {
  it('gives a slot at least one token and a second-long slot the rate', () => {
    expect(slotLimit(20, 1000)).toBe(20);
    expect(slotLimit(0.3, 1000)).toBe(1);
    expect(slotLimit(50, 500)).toBe(25);
  });

  it('sizes leases to half an instance’s share of the slot, rounded up', () => {
    expect(leaseSize(20, 5)).toBe(2);
    expect(leaseSize(16, 5)).toBe(2);
    expect(leaseSize(50, 5)).toBe(5);
    expect(leaseSize(3, 5)).toBe(1);
  });

  it('property: unused leases of every instance hold at most half the slot plus one token each', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 100 }),
        (limit, instances) => {
          const lease = leaseSize(limit, instances);
          return lease >= 1 && lease <= Math.max(1, limit) && lease * instances <= limit / 2 + instances;
        },
      ),
    );
  });

  it('spaces a slot’s tokens evenly by their number', () => {
    expect(tokenTimes({ granted: 2, usedAfter: 5 }, 3, 20, 1000)).toEqual([3150, 3200]);
  });

  it('property: token times stay inside their slot, in order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 0, max: 1e9 }),
        fc.integer({ min: 1, max: 500 }),
        (limit, slot, g) => {
          const usedAfter = Math.min(limit, g);
          const times = tokenTimes({ granted: usedAfter, usedAfter }, slot, limit, 1000);
          return times.every(
            (t, i) => t >= slot * 1000 && t < (slot + 1) * 1000 && (i === 0 || t > (times[i - 1] ?? 0)),
          );
        },
      ),
    );
  });
});

rateBudgetContract('InMemoryRateBudget', async () => new InMemoryRateBudget());
