// The DynamoDB assignment store over moto: packed attributes through the real SDK marshalling, the Query that reads
// an assignment's two items, the counter item (also under concurrent first reservations), and items written by the
// previous layout (desired state inside the assignment and campaign items, plain lists, the counter on the campaign
// item), which must still read and work.
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoItemBytes } from '../../bench/dynamo-size.ts';
import { DynamoAssignmentStore } from '../../lib/adapters/dynamo-assignment-store.ts';
import { buildAssignmentEvent } from '../../lib/wfm/cloudevents.ts';
import { agent, CAMPAIGN_ID, MORNING, NOON, queuedRecord } from '../support/fixtures.ts';
import { useMotoTables } from '../support/moto-tables.ts';

const moto = useMotoTables('assignments');
const newTable = () => moto.newTable();

const desired = {
  agents: Array.from({ length: 20 }, (_, i) => agent(`agent-uuid-${String(i + 1).padStart(3, '0')}`)),
};
const record = { ...queuedRecord('asg-1', desired), enqueuedAt: undefined };

async function itemBytes(tableName: string, pk: string, sk: string): Promise<number> {
  const out = await moto.dynamodb.send(
    new GetItemCommand({ TableName: tableName, Key: { pk: { S: pk }, sk: { S: sk } } }),
  );
  return out.Item ? dynamoItemBytes(out.Item) : Number.NaN;
}

describe('DynamoAssignmentStore over moto', () => {
  it('round-trips an assignment, its packed desired state and pending events, and the campaign state', async () => {
    const tableName = await newTable();
    const store = new DynamoAssignmentStore(moto.dynamodb, tableName);
    expect(await store.createAssignment(record, { key: 'k-1', bodyHash: 'h-1' })).toEqual({ created: true });
    expect(await store.getAssignment('asg-1')).toEqual(record);
    const state = await store.getCampaignState(CAMPAIGN_ID);
    expect(state).toEqual({
      campaignId: CAMPAIGN_ID,
      latestAssignmentId: 'asg-1',
      desired,
      submittedAt: MORNING.toISOString(),
    });

    const events = [
      buildAssignmentEvent({
        assignmentId: 'asg-1',
        campaignId: CAMPAIGN_ID,
        time: NOON,
        status: 'applied',
        details: { kind: 'submission' },
      }),
    ];
    expect(
      await store.updateAssignment('asg-1', { status: 'applied', pendingEvents: events }, ['queued']),
    ).toBe(true);
    expect((await store.getAssignment('asg-1'))?.pendingEvents).toEqual(events);
    await store.clearPendingEvents('asg-1');
    expect((await store.getAssignment('asg-1'))?.pendingEvents).toBeUndefined();

    const applied = {
      assignmentId: 'asg-1',
      assignments: desired.agents.map((a) => ({ userId: a.userId, isActive: true, proficiency: 1 })),
      hiddenAgents: 0,
      appliedAt: NOON.toISOString(),
    };
    await store.recordApplied(
      CAMPAIGN_ID,
      applied,
      desired.agents.map((a) => a.userId),
    );
    expect(await store.getCampaignState(CAMPAIGN_ID)).toMatchObject({
      desired,
      lastApplied: applied,
      managedAgents: desired.agents.map((a) => a.userId),
    });
  });

  it('keeps every item a write touches after the submission small: status and campaign ≤ 1 KB, counter tiny', async () => {
    const tableName = await newTable();
    const store = new DynamoAssignmentStore(moto.dynamodb, tableName);
    await store.createAssignment(record);
    await store.recordApplied(
      CAMPAIGN_ID,
      {
        assignmentId: 'asg-1',
        assignments: desired.agents.map((a) => ({ userId: a.userId, isActive: true, proficiency: 1 })),
        hiddenAgents: 0,
        appliedAt: NOON.toISOString(),
      },
      desired.agents.map((a) => a.userId),
    );
    await store.reserveSequence(CAMPAIGN_ID, 2);
    const plainDesired = JSON.stringify(desired).length;
    expect(await itemBytes(tableName, 'ASSIGNMENT#asg-1', 'A')).toBeLessThanOrEqual(1024);
    expect(await itemBytes(tableName, `CAMPAIGN#${CAMPAIGN_ID}`, 'S')).toBeLessThanOrEqual(1024);
    expect(await itemBytes(tableName, `CAMPAIGN#${CAMPAIGN_ID}`, 'N')).toBeLessThan(64);
    expect(await itemBytes(tableName, 'ASSIGNMENT#asg-1', 'D')).toBeLessThan(plainDesired / 4);
  });

  it('gives two dispatches that reserve a new campaign’s first numbers at once disjoint ranges', async () => {
    const tableName = await newTable();
    const a = new DynamoAssignmentStore(moto.dynamodb, tableName);
    const b = new DynamoAssignmentStore(moto.dynamodb, tableName);
    await a.createAssignment(record);
    const firsts = await Promise.all([a.reserveSequence(CAMPAIGN_ID, 3), b.reserveSequence(CAMPAIGN_ID, 3)]);
    expect(firsts.sort((x, y) => x - y)).toEqual([1, 4]);
    expect(await a.reserveSequence(CAMPAIGN_ID, 1)).toBe(7);
  });

  it('reads and continues items of the previous layout', async () => {
    const tableName = await newTable();
    const doc = DynamoDBDocumentClient.from(moto.dynamodb, {
      marshallOptions: { removeUndefinedValues: true },
    });
    const lastApplied = {
      assignmentId: 'asg-1',
      assignments: [{ userId: 'agent-uuid-001', isActive: true, proficiency: 1 }],
      hiddenAgents: 0,
      appliedAt: NOON.toISOString(),
    };
    const event = buildAssignmentEvent({
      assignmentId: 'asg-1',
      campaignId: CAMPAIGN_ID,
      time: NOON,
      status: 'applied',
      details: { kind: 'submission' },
    });
    const old = { ...record, status: 'applied' as const, pendingEvents: [event] };
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: { pk: 'ASSIGNMENT#asg-1', sk: 'A', ...old, expiresAt: 1 },
      }),
    );
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          pk: `CAMPAIGN#${CAMPAIGN_ID}`,
          sk: 'S',
          campaignId: CAMPAIGN_ID,
          latestAssignmentId: 'asg-1',
          desired,
          submittedAt: MORNING.toISOString(),
          lastApplied,
          managedAgents: ['agent-uuid-001'],
          sequence: 41,
        },
      }),
    );
    const store = new DynamoAssignmentStore(moto.dynamodb, tableName);
    expect(await store.getAssignment('asg-1')).toEqual(old);
    expect(await store.getCampaignState(CAMPAIGN_ID)).toEqual({
      campaignId: CAMPAIGN_ID,
      latestAssignmentId: 'asg-1',
      desired,
      submittedAt: MORNING.toISOString(),
      lastApplied,
      managedAgents: ['agent-uuid-001'],
    });
    await store.clearPendingEvents('asg-1');
    expect((await store.getAssignment('asg-1'))?.pendingEvents).toBeUndefined();

    const next = { ...queuedRecord('asg-2', { agents: [agent('agent-uuid-002')] }, { submittedAt: NOON }) };
    await store.createAssignment({ ...next, enqueuedAt: undefined });
    expect(await store.getCampaignState(CAMPAIGN_ID)).toMatchObject({
      latestAssignmentId: 'asg-2',
      desired: next.desired,
      lastApplied,
      managedAgents: ['agent-uuid-001'],
    });
    expect(await store.reserveSequence(CAMPAIGN_ID, 2)).toBe(42);
    expect(await store.reserveSequence(CAMPAIGN_ID, 1)).toBe(44);
  });
});
