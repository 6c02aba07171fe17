import { describe, expect, it } from 'vitest';
import type { AssignmentRecord } from '../../../lib/app/model.ts';
import {
  acceptedView,
  assignmentView,
  campaignAgentsView,
  queryAssignment,
  queryCampaignAgents,
} from '../../../lib/app/queries.ts';
import { buildAssignmentEvent } from '../../../lib/wfm/cloudevents.ts';
import {
  CAMPAIGN_ID,
  MORNING,
  POLICY,
  policyWith,
  queuedRecord,
  submission,
} from '../../support/fixtures.ts';
import { InMemoryAssignmentStore } from '../../support/in-memory-store.ts';

describe('assignmentView', () => {
  it('shows the public fields of a queued assignment and nothing internal', () => {
    const record: AssignmentRecord = {
      ...queuedRecord('asg-1'),
      pendingEvents: [
        buildAssignmentEvent({
          assignmentId: 'asg-1',
          campaignId: CAMPAIGN_ID,
          status: 'applied',
          time: MORNING,
        }),
      ],
    };
    expect(assignmentView(record)).toEqual({
      assignmentId: 'asg-1',
      campaignId: CAMPAIGN_ID,
      kind: 'submission',
      status: 'queued',
      submittedAt: MORNING.toISOString(),
      updatedAt: MORNING.toISOString(),
      agentsRequested: 2,
    });
  });

  it('adds result, latency and error once they are known', () => {
    const record: AssignmentRecord = {
      ...queuedRecord('asg-1'),
      status: 'partially_applied',
      latencyMs: 0,
      latency: { queueWaitMs: 10, cxoneMs: 20, totalMs: 30 },
      error: 'one agent refused',
      result: {
        active: ['a'],
        inactive: [],
        added: ['a'],
        updated: [],
        removed: [],
        dropped: [],
        failedAgents: [{ userId: 'b', reason: 'locked' }],
        hiddenAgents: 1,
        cxoneReads: 2,
        cxoneWrites: 1,
        verified: false,
      },
    };
    expect(assignmentView(record)).toMatchObject({
      status: 'partially_applied',
      latencyMs: 0,
      latency: { queueWaitMs: 10, cxoneMs: 20, totalMs: 30 },
      error: 'one agent refused',
      result: { failedAgents: [{ userId: 'b', reason: 'locked' }], hiddenAgents: 1 },
    });
  });
});

describe('campaignAgentsView', () => {
  it('is undefined for a campaign without a desired state', async () => {
    expect(await campaignAgentsView(new InMemoryAssignmentStore(), POLICY)).toBeUndefined();
  });

  it('shows the membership, desired state, latest assignment, what was last applied and the foreign members', async () => {
    const store = new InMemoryAssignmentStore();
    const foreignAgents = [{ userId: 'agent-uuid-150', isActive: true, proficiency: 12 }];
    const lastApplied = {
      assignmentId: 'asg-0',
      assignments: [{ userId: 'agent-uuid-001', isActive: true, proficiency: 1 }],
      foreignAgents,
      hiddenAgents: 0,
      appliedAt: MORNING.toISOString(),
    };
    store.seed({ ...queuedRecord('asg-1', submission(3)), status: 'dispatching' }, { lastApplied });
    expect(await campaignAgentsView(store, POLICY)).toEqual({
      campaignId: CAMPAIGN_ID,
      membership: 'managed',
      desired: submission(3),
      submittedAt: MORNING.toISOString(),
      latestAssignment: { assignmentId: 'asg-1', status: 'dispatching', updatedAt: MORNING.toISOString() },
      lastApplied,
      foreignAgents,
    });
  });

  it('says exclusive for an exclusive campaign, and lists no foreign members before the first converge', async () => {
    const store = new InMemoryAssignmentStore();
    store.seed(queuedRecord('asg-1'));
    expect(await campaignAgentsView(store, policyWith({ membership: 'exclusive' }))).toMatchObject({
      membership: 'exclusive',
      foreignAgents: [],
    });
  });
});

describe('acceptedView', () => {
  it('answers the stored assignment as queued with its number of agents', () => {
    expect(acceptedView(queuedRecord('asg-1', submission(3)))).toEqual({
      assignmentId: 'asg-1',
      campaignId: CAMPAIGN_ID,
      status: 'queued',
      agents: 3,
    });
  });
});

describe('queryAssignment', () => {
  it('finds a stored assignment and answers its view', async () => {
    const store = new InMemoryAssignmentStore();
    store.seed(queuedRecord('asg-1'));
    expect(await queryAssignment(store, 'asg-1')).toEqual({
      kind: 'found',
      view: assignmentView(queuedRecord('asg-1')),
    });
  });

  it('does not find an unknown id, nor look up one over 128 characters', async () => {
    const store = new InMemoryAssignmentStore();
    const longId = 'a'.repeat(129);
    store.seed(queuedRecord(longId));
    expect(await queryAssignment(store, 'asg-unknown')).toEqual({ kind: 'not_found' });
    expect(await queryAssignment(store, longId)).toEqual({ kind: 'not_found' });
  });
});

describe('queryCampaignAgents', () => {
  const policyFor = async (campaignId: string) => (campaignId === CAMPAIGN_ID ? POLICY : undefined);

  it('tells an unconfigured campaign from a configured one without a desired state', async () => {
    const store = new InMemoryAssignmentStore();
    expect(await queryCampaignAgents({ store, policyFor }, 'no-such-campaign')).toEqual({
      kind: 'unknown_campaign',
    });
    expect(await queryCampaignAgents({ store, policyFor }, CAMPAIGN_ID)).toEqual({
      kind: 'no_desired_state',
    });
  });

  it('answers the view of a campaign with a desired state', async () => {
    const store = new InMemoryAssignmentStore();
    store.seed(queuedRecord('asg-1'));
    expect(await queryCampaignAgents({ store, policyFor }, CAMPAIGN_ID)).toEqual({
      kind: 'found',
      view: await campaignAgentsView(store, POLICY),
    });
  });
});
