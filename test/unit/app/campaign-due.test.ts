import { describe, expect, it } from 'vitest';
import { type DriftCheckAction, handleDueCampaign } from '../../../lib/app/campaign-due.ts';
import { planActiveAgents, toSkillAssignments } from '../../../lib/domain/planner.ts';
import type { CampaignPolicy, Submission } from '../../../lib/domain/schemas.ts';
import { FixedClock } from '../../support/clock.ts';
import { agent, CAMPAIGN_ID, MORNING, POLICY, policyWith, queuedRecord } from '../../support/fixtures.ts';
import { InMemoryScheduleIndex } from '../../support/in-memory-schedule-index.ts';
import { InMemoryAssignmentStore } from '../../support/in-memory-store.ts';
import { RecordingDispatchQueue } from '../../support/recording-queues.ts';

/** agent-uuid-002 works 12:00–17:00 New York: its window opens at 16:00Z. */
const DESIRED: Submission = {
  agents: [
    agent('agent-uuid-001'),
    agent('agent-uuid-002', {
      availabilityWindow: { start: '12:00', end: '17:00', timezone: 'America/New_York' },
    }),
  ],
};
const WINDOW_OPENS = new Date('2026-03-10T16:00:00Z');
/** Both windows close at 17:00 New York. */
const WINDOWS_CLOSE = new Date('2026-03-10T21:00:00Z');

function setup(now: Date, policy: CampaignPolicy = policyWith({ driftCheckMinutes: 1440 })) {
  const store = new InMemoryAssignmentStore();
  const index = new InMemoryScheduleIndex();
  const queue = new RecordingDispatchQueue();
  const clock = new FixedClock(now);
  const drifts: string[] = [];
  let driftAction: DriftCheckAction | Error = 'none';
  let ids = 0;
  const deps = {
    store,
    index,
    queue,
    clock,
    newId: () => `rb-${++ids}`,
    policyFor: async (id: string) => (id === policy.campaignId ? policy : undefined),
    checkDrift: async (campaignId: string) => {
      drifts.push(campaignId);
      if (driftAction instanceof Error) throw driftAction;
      return driftAction;
    },
  };
  /** Applied at MORNING: agent-uuid-001 active, agent-uuid-002 not yet. */
  store.seed(
    { ...queuedRecord('asg-1', DESIRED), status: 'applied' },
    {
      lastApplied: {
        assignmentId: 'asg-1',
        assignments: toSkillAssignments(planActiveAgents(policy, DESIRED, MORNING)),
        appliedAt: MORNING.toISOString(),
      },
    },
  );
  return {
    store,
    index,
    queue,
    clock,
    drifts,
    deps,
    driftWill: (action: DriftCheckAction | Error) => {
      driftAction = action;
    },
  };
}

describe('handleDueCampaign', () => {
  it('re-plans at the minute a window opens and stores the next plan change as due', async () => {
    const { index, queue, deps } = setup(WINDOW_OPENS);
    await index.put({
      campaignId: CAMPAIGN_ID,
      dueAt: WINDOW_OPENS.toISOString(),
      lastDriftCheckAt: MORNING.toISOString(),
    });
    const outcome = await handleDueCampaign(deps, {
      campaignId: CAMPAIGN_ID,
      dueAt: WINDOW_OPENS.toISOString(),
    });
    expect(outcome.rebalance).toMatchObject({ action: 'enqueued', changes: 1 });
    expect(queue.messages).toEqual([
      {
        assignmentId: 'rb-1',
        campaignId: CAMPAIGN_ID,
        kind: 'rebalance',
        enqueuedAt: WINDOW_OPENS.toISOString(),
      },
    ]);
    expect(await index.get(CAMPAIGN_ID)).toEqual({
      campaignId: CAMPAIGN_ID,
      dueAt: WINDOWS_CLOSE.toISOString(),
      lastDriftCheckAt: MORNING.toISOString(),
    });
  });

  it('checks drift only when it is due, and counts the check from this minute', async () => {
    const policy = policyWith({ driftCheckMinutes: 15 });
    const { index, drifts, deps, clock, driftWill } = setup(new Date('2026-03-10T15:10:00Z'), policy);
    await index.put({
      campaignId: CAMPAIGN_ID,
      dueAt: '2026-03-10T15:10:00.000Z',
      lastDriftCheckAt: MORNING.toISOString(),
    });
    const early = await handleDueCampaign(deps, {
      campaignId: CAMPAIGN_ID,
      dueAt: '2026-03-10T15:10:00.000Z',
    });
    expect(early.drift).toBeUndefined();
    expect(drifts).toEqual([]);
    expect((await index.get(CAMPAIGN_ID))?.dueAt).toBe('2026-03-10T15:15:00.000Z');

    clock.set(new Date('2026-03-10T15:15:02Z'));
    driftWill('repair_queued');
    const due = await handleDueCampaign(deps, { campaignId: CAMPAIGN_ID, dueAt: '2026-03-10T15:15:00.000Z' });
    expect(due.drift).toBe('repair_queued');
    expect(drifts).toEqual([CAMPAIGN_ID]);
    expect(await index.get(CAMPAIGN_ID)).toMatchObject({
      dueAt: '2026-03-10T15:30:00.000Z',
      lastDriftCheckAt: '2026-03-10T15:15:00.000Z',
    });
  });

  it('defers a due drift check while this minute’s re-plan converges, and keeps it due', async () => {
    const policy = policyWith({ driftCheckMinutes: 15 });
    const { index, drifts, queue, deps } = setup(WINDOW_OPENS, policy);
    await index.put({
      campaignId: CAMPAIGN_ID,
      dueAt: WINDOW_OPENS.toISOString(),
      lastDriftCheckAt: MORNING.toISOString(),
    });
    const outcome = await handleDueCampaign(deps, {
      campaignId: CAMPAIGN_ID,
      dueAt: WINDOW_OPENS.toISOString(),
    });
    expect(outcome.rebalance?.action).toBe('enqueued');
    expect(outcome.drift).toBe('deferred');
    expect(drifts).toEqual([]);
    expect(queue.messages).toHaveLength(1);
    // Still due: the next tick checks, once the re-plan has been applied.
    expect(await index.get(CAMPAIGN_ID)).toMatchObject({ lastDriftCheckAt: MORNING.toISOString() });
    expect(await index.due(WINDOW_OPENS)).toHaveLength(1);
  });

  it('leaves the schedule as it was when the drift check fails, so the campaign comes back', async () => {
    const policy = policyWith({ driftCheckMinutes: 1 });
    const { index, deps, driftWill } = setup(MORNING, policy);
    await index.put({
      campaignId: CAMPAIGN_ID,
      dueAt: MORNING.toISOString(),
      lastDriftCheckAt: '2026-03-10T14:00:00.000Z',
    });
    driftWill(new Error('CXone unreachable'));
    await expect(
      handleDueCampaign(deps, { campaignId: CAMPAIGN_ID, dueAt: MORNING.toISOString() }),
    ).rejects.toThrow(/CXone unreachable/);
    expect(await index.get(CAMPAIGN_ID)).toMatchObject({ dueAt: MORNING.toISOString() });
  });

  it('drops a campaign whose policy was deleted from the index', async () => {
    const { index, queue, deps } = setup(MORNING);
    await index.put({ campaignId: 'deleted', dueAt: MORNING.toISOString() });
    const outcome = await handleDueCampaign(deps, { campaignId: 'deleted', dueAt: MORNING.toISOString() });
    expect(outcome).toEqual({ campaignId: 'deleted', schedule: { kind: 'removed', reason: 'no_policy' } });
    expect(await index.get('deleted')).toBeUndefined();
    expect(queue.messages).toEqual([]);
  });

  it('queues nothing when the plan for now is what was applied', async () => {
    const { queue, deps } = setup(new Date('2026-03-10T15:30:00Z'), POLICY);
    const outcome = await handleDueCampaign(deps, {
      campaignId: CAMPAIGN_ID,
      dueAt: '2026-03-10T15:30:00.000Z',
    });
    expect(outcome.rebalance).toEqual({ campaignId: CAMPAIGN_ID, action: 'unchanged' });
    expect(queue.messages).toEqual([]);
  });
});
