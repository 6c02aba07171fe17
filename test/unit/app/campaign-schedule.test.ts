import { describe, expect, it } from 'vitest';
import {
  isDriftCheckDue,
  minuteOf,
  nextDueAt,
  rescheduleCampaign,
} from '../../../lib/app/campaign-schedule.ts';
import type { Submission } from '../../../lib/domain/schemas.ts';
import { FixedClock } from '../../support/clock.ts';
import { agent, CAMPAIGN_ID, MORNING, POLICY, policyWith, queuedRecord } from '../../support/fixtures.ts';
import { InMemoryScheduleIndex } from '../../support/in-memory-schedule-index.ts';
import { InMemoryAssignmentStore } from '../../support/in-memory-store.ts';

/** agent-uuid-002's window opens at 12:00 New York time (16:00Z), an hour after MORNING. */
const DESIRED: Submission = {
  agents: [
    agent('agent-uuid-001'),
    agent('agent-uuid-002', {
      availabilityWindow: { start: '12:00', end: '17:00', timezone: 'America/New_York' },
    }),
  ],
};
const WINDOW_OPENS = new Date('2026-03-10T16:00:00Z');

describe('nextDueAt', () => {
  it('is the next drift check when it comes before the next plan change', () => {
    expect(nextDueAt(POLICY, DESIRED, MORNING, MORNING)).toEqual(new Date('2026-03-10T15:15:00Z'));
  });

  it('is the next plan change when it comes first', () => {
    const policy = policyWith({ driftCheckMinutes: 120 });
    expect(nextDueAt(policy, DESIRED, MORNING, MORNING)).toEqual(WINDOW_OPENS);
  });

  it('counts the drift interval from the minute of the last check, so checks recur on the scheduler’s ticks', () => {
    const checkedLate = new Date('2026-03-10T14:59:42.500Z');
    expect(nextDueAt(POLICY, DESIRED, MORNING, checkedLate)).toEqual(new Date('2026-03-10T15:14:00Z'));
    expect(minuteOf(checkedLate)).toEqual(new Date('2026-03-10T14:59:00Z'));
  });

  it('skips to the calling hours’ opening while they are closed', () => {
    const night = new Date('2026-03-11T03:00:00Z'); // 23:00 New York
    const policy = policyWith({ driftCheckMinutes: 1440 });
    expect(nextDueAt(policy, DESIRED, night, night)).toEqual(new Date('2026-03-11T12:00:00Z'));
  });
});

describe('isDriftCheckDue', () => {
  it('is due driftCheckMinutes after the last check’s minute, and when never checked', () => {
    const policy = policyWith({ driftCheckMinutes: 1 });
    expect(isDriftCheckDue(policy, undefined, MORNING)).toBe(true);
    expect(isDriftCheckDue(policy, '2026-03-10T14:59:30.000Z', MORNING)).toBe(true);
    expect(isDriftCheckDue(policy, '2026-03-10T15:00:00.000Z', MORNING)).toBe(false);
  });
});

function setup(now: Date, policy = POLICY) {
  const index = new InMemoryScheduleIndex();
  const store = new InMemoryAssignmentStore();
  const clock = new FixedClock(now);
  const deps = {
    index,
    store,
    clock,
    policyFor: async (id: string) => (id === policy.campaignId ? policy : undefined),
  };
  return { index, store, clock, deps };
}

describe('rescheduleCampaign', () => {
  it('stores the next due instant of a campaign with a desired state, its first scheduling as a drift check', async () => {
    const { index, store, deps } = setup(
      new Date('2026-03-10T15:00:20Z'),
      policyWith({ driftCheckMinutes: 120 }),
    );
    store.seed({ ...queuedRecord('asg-1', DESIRED), status: 'applied' });
    expect(await rescheduleCampaign(deps, CAMPAIGN_ID)).toEqual({
      kind: 'scheduled',
      schedule: {
        campaignId: CAMPAIGN_ID,
        dueAt: WINDOW_OPENS.toISOString(),
        lastDriftCheckAt: MORNING.toISOString(),
      },
    });
    expect(await index.due(WINDOW_OPENS)).toHaveLength(1);
  });

  it('keeps the last drift check unless a new one is given', async () => {
    const { index, store, deps } = setup(MORNING);
    store.seed({ ...queuedRecord('asg-1', DESIRED), status: 'applied' });
    await index.put({
      campaignId: CAMPAIGN_ID,
      dueAt: MORNING.toISOString(),
      lastDriftCheckAt: '2026-03-10T14:50:00.000Z',
    });
    await rescheduleCampaign(deps, CAMPAIGN_ID);
    expect(await index.get(CAMPAIGN_ID)).toMatchObject({
      dueAt: '2026-03-10T15:05:00.000Z',
      lastDriftCheckAt: '2026-03-10T14:50:00.000Z',
    });
    await rescheduleCampaign(deps, CAMPAIGN_ID, MORNING);
    expect(await index.get(CAMPAIGN_ID)).toMatchObject({
      dueAt: '2026-03-10T15:15:00.000Z',
      lastDriftCheckAt: MORNING.toISOString(),
    });
  });

  it('writes nothing when the due instant and the last drift check are unchanged', async () => {
    const { index, store, deps } = setup(MORNING);
    store.seed({ ...queuedRecord('asg-1', DESIRED), status: 'applied' });
    await rescheduleCampaign(deps, CAMPAIGN_ID);
    let puts = 0;
    const put = index.put.bind(index);
    index.put = async (schedule) => {
      puts++;
      await put(schedule);
    };
    const again = await rescheduleCampaign(deps, CAMPAIGN_ID);
    expect(again).toEqual({ kind: 'scheduled', schedule: await index.get(CAMPAIGN_ID) });
    expect(puts).toBe(0);
    await rescheduleCampaign(deps, CAMPAIGN_ID, new Date('2026-03-10T15:01:00Z'));
    expect(puts).toBe(1);
  });

  it('takes a campaign without a policy or without a desired state out of the index', async () => {
    const { index, deps } = setup(MORNING);
    await index.put({ campaignId: CAMPAIGN_ID, dueAt: MORNING.toISOString() });
    expect(await rescheduleCampaign(deps, CAMPAIGN_ID)).toEqual({
      kind: 'removed',
      reason: 'no_desired_state',
    });
    expect(await index.get(CAMPAIGN_ID)).toBeUndefined();
    await index.put({ campaignId: 'gone', dueAt: MORNING.toISOString() });
    expect(await rescheduleCampaign(deps, 'gone')).toEqual({ kind: 'removed', reason: 'no_policy' });
    expect(await index.due(MORNING)).toEqual([]);
  });
});
