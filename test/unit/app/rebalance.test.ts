import { describe, expect, it } from 'vitest';
import type { AssignmentRecord } from '../../../lib/app/model.ts';
import { type CampaignRebalance, type RebalanceDeps, rebalanceCampaign } from '../../../lib/app/rebalance.ts';
import { planActiveAgents, toSkillAssignments } from '../../../lib/domain/planner.ts';
import type { CampaignPolicy, Submission } from '../../../lib/domain/schemas.ts';
import { FixedClock } from '../../support/clock.ts';
import {
  agent,
  CAMPAIGN_ID,
  MORNING,
  NOON,
  OTHER_CAMPAIGN_ID,
  OTHER_POLICY,
  POLICY,
  queuedRecord,
} from '../../support/fixtures.ts';
import { InMemoryAssignmentStore } from '../../support/in-memory-store.ts';
import { RecordingDispatchQueue } from '../../support/recording-queues.ts';

/** agent-uuid-001 works 09:00–17:00, agent-uuid-002 12:00–17:00 (New York). */
const DESIRED: Submission = {
  callRateTarget: 8.5,
  agents: [
    agent('agent-uuid-001'),
    agent('agent-uuid-002', {
      availabilityWindow: { start: '12:00', end: '17:00', timezone: 'America/New_York' },
    }),
  ],
};
/** 17:30 in New York: both windows have closed, the calling hours have not. */
const EVENING = new Date('2026-03-10T21:30:00Z');

function setup(now: Date, policies: CampaignPolicy[] = [POLICY], store = new InMemoryAssignmentStore()) {
  const queue = new RecordingDispatchQueue();
  let ids = 0;
  const deps: RebalanceDeps = {
    store,
    queue,
    clock: new FixedClock(now),
    newId: () => `rb-${++ids}`,
  };
  /** Each configured campaign in turn, as the scheduler hands them over when they are due. */
  const rebalance = async () => {
    const results: CampaignRebalance[] = [];
    for (const policy of policies) results.push(await rebalanceCampaign(deps, policy));
    return results;
  };
  return { store, queue, rebalance };
}

/** The campaign's latest assignment in `status`, with what was applied to CXone when it was planned at `appliedAt`. */
function seedLatest(
  store: InMemoryAssignmentStore,
  status: AssignmentRecord['status'],
  appliedAt?: Date,
  campaign: CampaignPolicy = POLICY,
) {
  const record = { ...queuedRecord('asg-1', DESIRED, { campaignId: campaign.campaignId }), status };
  const lastApplied = appliedAt && {
    assignmentId: 'asg-1',
    assignments: toSkillAssignments(planActiveAgents(campaign, DESIRED, appliedAt)),
    appliedAt: appliedAt.toISOString(),
  };
  store.seed(record, lastApplied ? { lastApplied } : {});
}

describe('rebalanceCampaign', () => {
  it('skips a campaign that has no desired state', async () => {
    const { queue, rebalance } = setup(NOON);
    expect(await rebalance()).toEqual([{ campaignId: CAMPAIGN_ID, action: 'no_desired_state' }]);
    expect(queue.messages).toEqual([]);
  });

  it.each(['queued', 'dispatching'] as const)('waits while the latest assignment is %s', async (status) => {
    const { store, queue, rebalance } = setup(NOON);
    seedLatest(store, status, MORNING);
    expect(await rebalance()).toEqual([{ campaignId: CAMPAIGN_ID, action: 'pending' }]);
    expect(queue.messages).toEqual([]);
  });

  it('sends the dispatch of a latest assignment whose writer stored it and died before sending it', async () => {
    const { store, queue, rebalance } = setup(NOON);
    const record = { ...queuedRecord('asg-1', DESIRED, { kind: 'policy_change' }), enqueuedAt: undefined };
    store.seed(record);
    expect(await rebalance()).toEqual([
      { campaignId: CAMPAIGN_ID, action: 'requeued', assignmentId: 'asg-1' },
    ]);
    expect(queue.messages).toEqual([
      {
        assignmentId: 'asg-1',
        campaignId: CAMPAIGN_ID,
        kind: 'policy_change',
        enqueuedAt: NOON.toISOString(),
      },
    ]);
    expect((await store.getAssignment('asg-1'))?.enqueuedAt).toBe(NOON.toISOString());
  });

  it('leaves a just-stored assignment to its writer', async () => {
    const { store, queue, rebalance } = setup(new Date(MORNING.getTime() + 5_000));
    store.seed({ ...queuedRecord('asg-1', DESIRED), enqueuedAt: undefined });
    expect(await rebalance()).toEqual([{ campaignId: CAMPAIGN_ID, action: 'pending' }]);
    expect(queue.messages).toEqual([]);
  });

  it('leaves a rejected desired state alone', async () => {
    const { store, queue, rebalance } = setup(NOON);
    seedLatest(store, 'rejected');
    expect(await rebalance()).toEqual([{ campaignId: CAMPAIGN_ID, action: 'rejected' }]);
    expect(queue.messages).toEqual([]);
  });

  it('does nothing while the plan for now equals what was last applied', async () => {
    const { store, queue, rebalance } = setup(new Date(MORNING.getTime() + 30 * 60_000));
    seedLatest(store, 'applied', MORNING);
    expect(await rebalance()).toEqual([{ campaignId: CAMPAIGN_ID, action: 'unchanged' }]);
    expect(queue.messages).toEqual([]);
    expect(store.assignments.size).toBe(1);
  });

  it('queues a rebalance when an agent’s window opens', async () => {
    const { store, queue, rebalance } = setup(NOON);
    seedLatest(store, 'applied', MORNING);

    expect(await rebalance()).toEqual([
      { campaignId: CAMPAIGN_ID, action: 'enqueued', assignmentId: 'rb-1', changes: 1 },
    ]);
    expect(queue.messages).toEqual([
      { assignmentId: 'rb-1', campaignId: CAMPAIGN_ID, kind: 'rebalance', enqueuedAt: NOON.toISOString() },
    ]);
    expect(await store.getAssignment('rb-1')).toEqual({
      assignmentId: 'rb-1',
      campaignId: CAMPAIGN_ID,
      kind: 'rebalance',
      status: 'queued',
      submittedAt: NOON.toISOString(),
      updatedAt: NOON.toISOString(),
      agentsRequested: 2,
      desired: DESIRED,
      enqueuedAt: NOON.toISOString(),
    });
    const state = await store.getCampaignState(CAMPAIGN_ID);
    expect(state?.latestAssignmentId).toBe('rb-1');
    expect(state?.desired).toEqual(DESIRED);
  });

  it('queues a rebalance when the windows close', async () => {
    const { store, queue, rebalance } = setup(EVENING);
    seedLatest(store, 'partially_applied', NOON);
    expect(await rebalance()).toEqual([
      { campaignId: CAMPAIGN_ID, action: 'enqueued', assignmentId: 'rb-1', changes: 2 },
    ]);
    expect(queue.messages).toHaveLength(1);
  });

  it('does not queue the same refused change again after a rebalance could not apply it', async () => {
    const store = new InMemoryAssignmentStore();
    const { queue, rebalance } = setup(NOON, [POLICY], store);
    seedLatest(store, 'applied', MORNING);
    // The window of agent-uuid-002 opened, but CXone refused it in the rebalance that followed.
    const [first] = await rebalance();
    expect(first).toMatchObject({ action: 'enqueued' });
    const refused = 'agent-uuid-002';
    await store.updateAssignment(
      'rb-1',
      {
        status: 'partially_applied',
        result: {
          active: ['agent-uuid-001'],
          inactive: [],
          added: [],
          updated: [],
          removed: [],
          dropped: [],
          failedAgents: [{ userId: refused, reason: 'unknown_user' }],
          cxoneReads: 2,
          cxoneWrites: 1,
          verified: false,
        },
      },
      ['queued'],
    );
    expect(await rebalance()).toEqual([{ campaignId: CAMPAIGN_ID, action: 'unchanged' }]);
    expect(queue.messages).toHaveLength(1);
  });

  it('retries a failed desired state that never reached CXone', async () => {
    const { store, queue, rebalance } = setup(NOON);
    seedLatest(store, 'failed');
    expect(await rebalance()).toMatchObject([{ action: 'enqueued', changes: 2 }]);
    expect(queue.messages).toHaveLength(1);
  });

  it('reports raced and queues nothing when a submission lands while it decides', async () => {
    // A PUT that commits between the rebalance's read and its conditional write.
    class RacingStore extends InMemoryAssignmentStore {
      override async createRebalance(record: AssignmentRecord, expectedLatest: string): Promise<boolean> {
        await this.createAssignment(queuedRecord('asg-2', DESIRED, { submittedAt: NOON }));
        return super.createRebalance(record, expectedLatest);
      }
    }
    const { store, queue, rebalance } = setup(NOON, [POLICY], new RacingStore());
    seedLatest(store, 'applied', MORNING);

    expect(await rebalance()).toEqual([{ campaignId: CAMPAIGN_ID, action: 'raced' }]);
    expect(queue.messages).toEqual([]);
    expect(await store.getAssignment('rb-1')).toBeUndefined();
    expect((await store.getCampaignState(CAMPAIGN_ID))?.latestAssignmentId).toBe('asg-2');
  });

  it('decides every configured campaign on its own', async () => {
    const { store, queue, rebalance } = setup(NOON, [POLICY, OTHER_POLICY]);
    seedLatest(store, 'applied', NOON);
    const other = {
      ...queuedRecord('asg-9', DESIRED, { campaignId: OTHER_CAMPAIGN_ID }),
      status: 'applied' as const,
    };
    store.seed(other);

    expect(await rebalance()).toEqual([
      { campaignId: CAMPAIGN_ID, action: 'unchanged' },
      { campaignId: OTHER_CAMPAIGN_ID, action: 'enqueued', assignmentId: 'rb-1', changes: 2 },
    ]);
    expect(queue.messages.map((m) => m.campaignId)).toEqual([OTHER_CAMPAIGN_ID]);
  });
});
