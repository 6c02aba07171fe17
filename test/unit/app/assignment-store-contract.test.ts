// One AssignmentStore contract, two implementations: the in-memory fake the app tests use, and the DynamoDB adapter
// over the fake table the handler tests use. If they disagree, one of the fakes is lying.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, describe, expect, it } from 'vitest';
import { DynamoAssignmentStore } from '../../../lib/adapters/dynamo-assignment-store.ts';
import type { AssignmentStore } from '../../../lib/app/ports.ts';
import { FakeDynamoTable } from '../../support/fake-dynamodb-table.ts';
import { CAMPAIGN_ID, MORNING, NOON, queuedRecord, submission } from '../../support/fixtures.ts';
import { InMemoryAssignmentStore } from '../../support/in-memory-store.ts';

const ddb = mockClient(DynamoDBDocumentClient);
afterAll(() => ddb.restore());

const implementations: Array<[string, () => AssignmentStore]> = [
  ['InMemoryAssignmentStore', () => new InMemoryAssignmentStore()],
  [
    'DynamoAssignmentStore over the fake table',
    () => {
      ddb.reset();
      new FakeDynamoTable().install(ddb);
      return new DynamoAssignmentStore(new DynamoDBClient({ region: 'us-east-1' }), 'table');
    },
  ],
];

const first = { ...queuedRecord('asg-1', submission(1)), enqueuedAt: undefined };
const second = { ...queuedRecord('asg-2', submission(2), { submittedAt: NOON }), enqueuedAt: undefined };
const applied = {
  assignmentId: 'asg-1',
  assignments: [{ userId: 'agent-uuid-001', isActive: true, proficiency: 1 }],
  foreignAgents: [{ userId: 'agent-uuid-009', isActive: true, proficiency: 12 }],
  hiddenAgents: 1,
  appliedAt: MORNING.toISOString(),
};

describe.each(implementations)('AssignmentStore contract: %s', (_name, create) => {
  it('stores a new assignment as the campaign’s latest desired state', async () => {
    const store = create();
    expect(await store.createAssignment(first)).toEqual({ created: true });
    expect(await store.getAssignment('asg-1')).toEqual(first);
    expect(await store.getCampaignState(CAMPAIGN_ID)).toMatchObject({
      campaignId: CAMPAIGN_ID,
      latestAssignmentId: 'asg-1',
      desired: submission(1),
      submittedAt: MORNING.toISOString(),
    });
    expect(await store.getAssignment('asg-unknown')).toBeUndefined();
    expect(await store.getCampaignState('campaign-unknown')).toBeUndefined();
  });

  it('claims an Idempotency-Key once; a second claim gets the first one back and stores nothing', async () => {
    const store = create();
    expect(await store.createAssignment(first, { key: 'k', bodyHash: 'h1' })).toEqual({ created: true });
    expect(await store.createAssignment(second, { key: 'k', bodyHash: 'h2' })).toEqual({
      created: false,
      existingAssignmentId: 'asg-1',
      existingBodyHash: 'h1',
      claimedAt: MORNING.toISOString(),
    });
    expect(await store.getAssignment('asg-2')).toBeUndefined();
    expect((await store.getCampaignState(CAMPAIGN_ID))?.latestAssignmentId).toBe('asg-1');
    expect(await store.createAssignment(second, { key: 'other', bodyHash: 'h2' })).toEqual({ created: true });
  });

  it('creates a rebalance only while the expected assignment is still the latest, keeping lastApplied', async () => {
    const store = create();
    await store.createAssignment(first);
    await store.recordApplied(CAMPAIGN_ID, applied, ['agent-uuid-001']);
    const rebalance = { ...second, assignmentId: 'rb-1', kind: 'rebalance' as const };

    expect(await store.createRebalance({ ...rebalance, assignmentId: 'rb-0' }, 'asg-other')).toBe(false);
    expect(await store.getAssignment('rb-0')).toBeUndefined();
    expect(await store.createRebalance(rebalance, 'asg-1')).toBe(true);
    const state = await store.getCampaignState(CAMPAIGN_ID);
    expect(state?.latestAssignmentId).toBe('rb-1');
    expect(state?.lastApplied).toEqual(applied);
  });

  it('updates an assignment only from the allowed statuses', async () => {
    const store = create();
    await store.createAssignment(first);
    const toApplied = { status: 'applied' as const, latencyMs: 5, error: undefined };
    expect(await store.updateAssignment('asg-1', { status: 'dispatching' }, ['queued'])).toBe(true);
    expect(await store.updateAssignment('asg-1', toApplied, ['queued'])).toBe(false);
    expect((await store.getAssignment('asg-1'))?.status).toBe('dispatching');
    expect(await store.updateAssignment('asg-1', toApplied, ['dispatching'])).toBe(true);
    expect(await store.getAssignment('asg-1')).toMatchObject({ status: 'applied', latencyMs: 5 });
    expect(await store.updateAssignment('asg-unknown', { status: 'failed' }, ['queued'])).toBe(false);
  });

  it('keeps the first enqueuedAt and clears pending events', async () => {
    const store = create();
    await store.createAssignment(first);
    await store.markEnqueued('asg-1', 'first');
    await store.markEnqueued('asg-1', 'second');
    await store.updateAssignment('asg-1', { pendingEvents: [] }, ['queued']);
    await store.clearPendingEvents('asg-1');
    const stored = await store.getAssignment('asg-1');
    expect(stored?.enqueuedAt).toBe('first');
    expect(stored).not.toHaveProperty('pendingEvents');
    await expect(store.markEnqueued('asg-unknown', 'x')).rejects.toThrow();
  });

  it('records the last applied state, kept when a newer submission arrives', async () => {
    const store = create();
    await store.createAssignment(first);
    await store.recordApplied(CAMPAIGN_ID, applied, ['agent-uuid-001']);
    await store.createAssignment(second);
    const state = await store.getCampaignState(CAMPAIGN_ID);
    expect(state?.latestAssignmentId).toBe('asg-2');
    expect(state?.lastApplied).toEqual(applied);
    await expect(store.recordApplied('campaign-unknown', applied, [])).rejects.toThrow();
  });

  it('records the managed agents, kept by submissions and rebalances, replaced by the next record', async () => {
    const store = create();
    await store.createAssignment(first);
    await store.recordManaged(CAMPAIGN_ID, ['agent-uuid-001', 'agent-uuid-002']);
    await store.createAssignment(second);
    await store.createRebalance({ ...second, assignmentId: 'rb-1', kind: 'rebalance' }, 'asg-2');
    const kept = await store.getCampaignState(CAMPAIGN_ID);
    expect(kept?.managedAgents).toEqual(['agent-uuid-001', 'agent-uuid-002']);
    await store.recordApplied(CAMPAIGN_ID, applied, ['agent-uuid-002']);
    expect((await store.getCampaignState(CAMPAIGN_ID))?.managedAgents).toEqual(['agent-uuid-002']);
    await expect(store.recordManaged('campaign-unknown', [])).rejects.toThrow();
  });

  it('records the last drift check, kept when a newer submission arrives, replaced by the next check', async () => {
    const store = create();
    await store.createAssignment(first);
    await store.recordDriftCheck(CAMPAIGN_ID, {
      checkedAt: '2026-03-02T15:00:00.000Z',
      skillId: 4501234,
      inSync: true,
    });
    await store.createAssignment(second);
    expect((await store.getCampaignState(CAMPAIGN_ID))?.lastDriftCheck).toEqual({
      checkedAt: '2026-03-02T15:00:00.000Z',
      skillId: 4501234,
      inSync: true,
    });
    await store.recordDriftCheck(CAMPAIGN_ID, {
      checkedAt: '2026-03-02T15:15:00.000Z',
      skillId: 4501234,
      inSync: false,
    });
    expect((await store.getCampaignState(CAMPAIGN_ID))?.lastDriftCheck).toEqual({
      checkedAt: '2026-03-02T15:15:00.000Z',
      skillId: 4501234,
      inSync: false,
    });
    await expect(
      store.recordDriftCheck('campaign-unknown', {
        checkedAt: '2026-03-02T15:00:00.000Z',
        skillId: 4501234,
        inSync: true,
      }),
    ).rejects.toThrow();
  });

  it('reserves consecutive per-campaign sequence numbers starting at 1', async () => {
    const store = create();
    await store.createAssignment(first);
    expect(await store.reserveSequence(CAMPAIGN_ID, 2)).toBe(1);
    expect(await store.reserveSequence(CAMPAIGN_ID, 3)).toBe(3);
    expect(await store.reserveSequence(CAMPAIGN_ID, 1)).toBe(6);
  });
});
