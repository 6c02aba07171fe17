import { describe, expect, it } from 'vitest';
import type { AssignmentRecord } from '../../../lib/app/model.ts';
import { assignmentView, campaignAgentsView } from '../../../lib/app/queries.ts';
import { buildAssignmentEvent } from '../../../lib/wfm/cloudevents.ts';
import { CAMPAIGN_ID, MORNING, queuedRecord, submission } from '../../support/fixtures.ts';
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
      result: { failedAgents: [{ userId: 'b', reason: 'locked' }] },
    });
  });
});

describe('campaignAgentsView', () => {
  it('is undefined for a campaign without a desired state', async () => {
    expect(await campaignAgentsView(new InMemoryAssignmentStore(), CAMPAIGN_ID)).toBeUndefined();
  });

  it('shows the desired state, the latest assignment and what was last applied', async () => {
    const store = new InMemoryAssignmentStore();
    const lastApplied = {
      assignmentId: 'asg-0',
      assignments: [{ userId: 'agent-uuid-001', isActive: true, proficiency: 1 }],
      appliedAt: MORNING.toISOString(),
    };
    store.seed({ ...queuedRecord('asg-1', submission(3)), status: 'dispatching' }, { lastApplied });
    expect(await campaignAgentsView(store, CAMPAIGN_ID)).toEqual({
      campaignId: CAMPAIGN_ID,
      desired: submission(3),
      submittedAt: MORNING.toISOString(),
      latestAssignment: { assignmentId: 'asg-1', status: 'dispatching', updatedAt: MORNING.toISOString() },
      lastApplied,
    });
  });
});
