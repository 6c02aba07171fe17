import { describe, expect, it } from 'vitest';
import { CxoneRetryableError } from '../../../lib/cxone/errors.ts';
import { SharedTenantLimiters } from '../../../lib/cxone/shared-limiter.ts';
import { InMemoryRateBudget } from '../../support/in-memory-rate-budget.ts';
import { fakeClock } from './fakes.ts';

const TENANT = 'https://auth.example|tenant';

function instances(
  count: number,
  budget: InMemoryRateBudget,
  clock: ReturnType<typeof fakeClock>,
  extra = {},
) {
  return Array.from({ length: count }, () =>
    new SharedTenantLimiters({ budget, ceiling: 20, instances: 5, ...clock, ...extra }).forTenant(TENANT),
  );
}

/** Each instance acquires in turn (all always busy) until `untilMs`; returns every grant's time and instance. */
async function runBusy(
  limiters: ReturnType<typeof instances>,
  clock: ReturnType<typeof fakeClock>,
  untilMs: number,
) {
  const sent: { at: number; instance: number }[] = [];
  const next = limiters.map(() => 0);
  while (clock.now() < untilMs) {
    // The instance whose next acquire is due first goes next (a fair interleaving of busy instances).
    const i = next.indexOf(Math.min(...next));
    await limiters[i]?.acquire();
    sent.push({ at: clock.now(), instance: i });
    next[i] = clock.now() + 1;
  }
  return sent;
}

describe('SharedTenantLimiter', () => {
  it('lets five busy instances together send no more than the ceiling in any second, evenly spaced', async () => {
    const clock = fakeClock(1_000_000);
    const budget = new InMemoryRateBudget();
    const sent = await runBusy(instances(5, budget, clock), clock, 1_005_000);
    for (let s = 1000; s < 1005; s++) {
      expect(sent.filter(({ at }) => Math.floor(at / 1000) === s).length).toBeLessThanOrEqual(20);
    }
    const inWindow = (from: number) => sent.filter(({ at }) => at >= from && at < from + 1000).length;
    for (let from = 1_000_000; from < 1_004_000; from += 137) expect(inWindow(from)).toBeLessThanOrEqual(21);
    expect(sent.length).toBeGreaterThanOrEqual(0.95 * 20 * 5);
    const shares = [0, 1, 2, 3, 4].map((i) => sent.filter((s) => s.instance === i).length);
    expect(Math.min(...shares)).toBeGreaterThanOrEqual(0.8 * Math.max(...shares));
  });

  it('lets one hot instance alone reach the ceiling with one budget call per lease', async () => {
    const clock = fakeClock(2_000_000);
    const budget = new InMemoryRateBudget();
    const [hot] = instances(1, budget, clock);
    let count = 0;
    while (clock.now() < 2_010_000) {
      await hot?.acquire();
      count++;
    }
    expect(count).toBeGreaterThanOrEqual(0.95 * 200);
    // Leases of 2 at 20/s (sized for five instances) plus one state read per second.
    expect(budget.calls / count).toBeLessThanOrEqual(0.5 + 0.1);
  });

  it('spends no more of its lease after a 429: the next request needs a new claim', async () => {
    const clock = fakeClock(2_500_000);
    const budget = new InMemoryRateBudget();
    const [limiter] = instances(1, budget, clock, { ceiling: 50 });
    await limiter?.acquire();
    const claimsBefore = budget.calls;
    // Without a 429 the next token comes from the lease (no budget call).
    await limiter?.acquire();
    expect(budget.calls).toBe(claimsBefore);
    limiter?.throttled();
    await Promise.resolve();
    const afterDecrease = budget.calls;
    await limiter?.acquire();
    expect(budget.calls).toBeGreaterThan(afterDecrease);
  });

  it('after a 429 slows every instance, and regains the ceiling while nothing is refused', async () => {
    const clock = fakeClock(3_000_000);
    const budget = new InMemoryRateBudget();
    const [a, b] = instances(2, budget, clock, { ceiling: 50 });
    await a?.acquire();
    await b?.acquire();
    a?.throttled();
    a?.throttled();
    await Promise.resolve();
    expect(budget.aimd.get(TENANT)?.floorRate).toBe(40);
    expect(a?.rate()).toBe(40);
    clock.advance(1000);
    await runBusy([a, b] as never, clock, clock.now() + 1100);
    expect(b?.rate()).toBeLessThan(50);
    clock.advance(20_000);
    expect(b?.rate()).toBe(50);
  });

  it('falls back to a local bucket at ceiling ÷ instances when the budget fails, and tells', async () => {
    const clock = fakeClock(4_000_000);
    const budget = new InMemoryRateBudget();
    budget.failure = new Error('DynamoDB unreachable');
    const events: unknown[] = [];
    const [limiter] = instances(1, budget, clock, { onFallback: (event: unknown) => events.push(event) });
    const starts: number[] = [];
    for (let i = 0; i < 5; i++) {
      await limiter?.acquire();
      starts.push(clock.now());
    }
    expect(events).toMatchObject([{ tenantKey: TENANT, fallbackRatePerSecond: 4 }]);
    expect(starts.at(-1)! - starts[0]!).toBeGreaterThanOrEqual(4 * 250);
    budget.failure = undefined;
    clock.advance(30_000);
    const callsBefore = budget.calls;
    await limiter?.acquire();
    expect(budget.calls).toBeGreaterThan(callsBefore);
  });

  it('refuses to wait past the deadline with a retryable error', async () => {
    const clock = fakeClock(5_000_000);
    const budget = new InMemoryRateBudget();
    const [limiter] = instances(1, budget, clock, { ceiling: 1 });
    await limiter?.acquire();
    await expect(limiter?.acquire(clock.now() + 10)).rejects.toBeInstanceOf(CxoneRetryableError);
  });
});
