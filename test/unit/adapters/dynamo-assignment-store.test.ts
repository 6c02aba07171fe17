import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoAssignmentStore } from '../../../lib/adapters/dynamo-assignment-store.ts';
import { pack, unpack } from '../../../lib/adapters/dynamo-packed.ts';
import { FakeDynamoTable } from '../../support/fake-dynamodb-table.ts';
import { CAMPAIGN_ID, MORNING, queuedRecord, submission } from '../../support/fixtures.ts';

const TABLE = 'assignments-test';
const ddb = mockClient(DynamoDBDocumentClient);
const store = () => new DynamoAssignmentStore(new DynamoDBClient({ region: 'us-east-1' }), TABLE);

const record = { ...queuedRecord('asg-1'), enqueuedAt: undefined };
const submittedAtSeconds = Math.floor(MORNING.getTime() / 1000);

function cancelled(...codes: string[]) {
  return new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });
}

const { desired: _desired, ...status } = record;
const expiresAt = submittedAtSeconds + 90 * 24 * 3600;
const assignmentPut = {
  Put: {
    TableName: TABLE,
    Item: { pk: 'ASSIGNMENT#asg-1', sk: 'A', ...status, expiresAt },
    ConditionExpression: 'attribute_not_exists(pk)',
  },
};
const desiredPut = {
  TableName: TABLE,
  Item: { pk: 'ASSIGNMENT#asg-1', sk: 'D', desired: pack(record.desired), expiresAt },
};
const latestUpdate = {
  Update: {
    TableName: TABLE,
    Key: { pk: `CAMPAIGN#${CAMPAIGN_ID}`, sk: 'S' },
    UpdateExpression:
      'SET campaignId = :campaignId, latestAssignmentId = :id, submittedAt = :at REMOVE desired',
    ExpressionAttributeValues: {
      ':campaignId': CAMPAIGN_ID,
      ':id': 'asg-1',
      ':at': MORNING.toISOString(),
    },
  },
};

beforeEach(() => ddb.reset());

describe('DynamoAssignmentStore.createAssignment', () => {
  it('writes the desired state (packed), then the assignment and the campaign pointer in one transaction', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    expect(await store().createAssignment(record)).toEqual({ created: true });
    expect(ddb.commandCalls(PutCommand).map((call) => call.args[0].input)).toEqual([desiredPut]);
    const calls = ddb.commandCalls(TransactWriteCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({ TransactItems: [assignmentPut, latestUpdate] });
    const names = ddb.calls().map((call) => (call.args[0] as object).constructor.name);
    expect(names).toEqual(['PutCommand', 'TransactWriteCommand']);
  });

  it('claims the Idempotency-Key in the same transaction, first, conditional on it being new', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    await store().createAssignment(record, { key: 'k-1', bodyHash: 'hash-1' });
    expect(ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems).toEqual([
      {
        Put: {
          TableName: TABLE,
          Item: {
            pk: `IDEMPOTENCY#${CAMPAIGN_ID}#k-1`,
            sk: 'I',
            bodyHash: 'hash-1',
            assignmentId: 'asg-1',
            claimedAt: MORNING.toISOString(),
            expiresAt: submittedAtSeconds + 24 * 3600,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      assignmentPut,
      latestUpdate,
    ]);
  });

  it('returns the existing claim (consistent read) when the key was already used', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None', 'None'));
    ddb.on(GetCommand).resolves({
      Item: {
        pk: `IDEMPOTENCY#${CAMPAIGN_ID}#k-1`,
        sk: 'I',
        bodyHash: 'hash-0',
        assignmentId: 'asg-0',
        claimedAt: '2026-03-10T14:59:00.000Z',
      },
    });
    expect(await store().createAssignment(record, { key: 'k-1', bodyHash: 'hash-1' })).toEqual({
      created: false,
      existingAssignmentId: 'asg-0',
      existingBodyHash: 'hash-0',
      claimedAt: '2026-03-10T14:59:00.000Z',
    });
    expect(ddb.commandCalls(GetCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: `IDEMPOTENCY#${CAMPAIGN_ID}#k-1`, sk: 'I' },
      ConsistentRead: true,
    });
  });

  it('rethrows a cancellation that is not the idempotency condition (e.g. a transaction conflict)', async () => {
    const conflict = cancelled('TransactionConflict', 'None', 'None');
    ddb.on(TransactWriteCommand).rejects(conflict);
    await expect(store().createAssignment(record, { key: 'k-1', bodyHash: 'h' })).rejects.toBe(conflict);
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('rethrows any failure of a submission without a key', async () => {
    const failure = cancelled('ConditionalCheckFailed', 'None');
    ddb.on(TransactWriteCommand).rejects(failure);
    await expect(store().createAssignment(record)).rejects.toBe(failure);
  });
});

describe('DynamoAssignmentStore.createRebalance', () => {
  it('makes the rebalance the latest state only while the latest is still the expected one', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    expect(await store().createRebalance(record, 'asg-0')).toBe(true);
    expect(ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input).toEqual({
      TransactItems: [
        assignmentPut,
        {
          Update: {
            ...latestUpdate.Update,
            ConditionExpression: 'latestAssignmentId = :expected',
            ExpressionAttributeValues: {
              ...latestUpdate.Update.ExpressionAttributeValues,
              ':expected': 'asg-0',
            },
          },
        },
      ],
    });
  });

  it('answers false when the latest state changed meanwhile', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled('None', 'ConditionalCheckFailed'));
    expect(await store().createRebalance(record, 'asg-0')).toBe(false);
  });
});

describe('DynamoAssignmentStore reads', () => {
  it('reads an assignment and its desired state in one consistent Query, without the keys and TTL', async () => {
    ddb.on(QueryCommand).resolves({
      Items: [
        { pk: 'ASSIGNMENT#asg-1', sk: 'A', expiresAt: 1, ...status, pendingEvents: pack([]) },
        { pk: 'ASSIGNMENT#asg-1', sk: 'D', expiresAt: 1, desired: pack(record.desired) },
      ],
    });
    expect(await store().getAssignment('asg-1')).toEqual({ ...record, pendingEvents: [] });
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'ASSIGNMENT#asg-1' },
      ConsistentRead: true,
    });
  });

  it('answers undefined for a missing assignment or campaign', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(GetCommand).resolves({});
    expect(await store().getAssignment('nope')).toBeUndefined();
    expect(await store().getCampaignState('nope')).toBeUndefined();
    expect(ddb.commandCalls(GetCommand)[0]?.args[0].input.Key).toEqual({ pk: 'CAMPAIGN#nope', sk: 'S' });
  });

  it('reads the campaign state with the latest assignment’s desired state (not copied on the campaign)', async () => {
    const applied = { assignmentId: 'asg-1', assignments: [], hiddenAgents: 0, appliedAt: 'at' };
    ddb
      .on(GetCommand, { Key: { pk: `CAMPAIGN#${CAMPAIGN_ID}`, sk: 'S' } })
      .resolves({
        Item: {
          pk: `CAMPAIGN#${CAMPAIGN_ID}`,
          sk: 'S',
          campaignId: CAMPAIGN_ID,
          latestAssignmentId: 'asg-1',
          submittedAt: MORNING.toISOString(),
          lastApplied: pack(applied),
          managedAgents: pack(['agent-1']),
        },
      })
      .on(GetCommand, { Key: { pk: 'ASSIGNMENT#asg-1', sk: 'D' } })
      .resolves({ Item: { pk: 'ASSIGNMENT#asg-1', sk: 'D', desired: pack(record.desired) } });
    expect(await store().getCampaignState(CAMPAIGN_ID)).toEqual({
      campaignId: CAMPAIGN_ID,
      latestAssignmentId: 'asg-1',
      submittedAt: MORNING.toISOString(),
      desired: record.desired,
      lastApplied: applied,
      managedAgents: ['agent-1'],
    });
    expect(ddb.commandCalls(GetCommand).every((call) => call.args[0].input.ConsistentRead)).toBe(true);
  });
});

describe('DynamoAssignmentStore.updateAssignment', () => {
  it('sets the patch only when the status is one of the allowed ones', async () => {
    ddb.on(UpdateCommand).resolves({});
    const patch = { status: 'applied' as const, updatedAt: 'now', error: undefined, latencyMs: 12 };
    expect(await store().updateAssignment('asg-1', patch, ['queued', 'dispatching'])).toBe(true);
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: 'ASSIGNMENT#asg-1', sk: 'A' },
      UpdateExpression: 'SET #f0 = :v0, #f1 = :v1, #f2 = :v2',
      ConditionExpression: 'attribute_exists(pk) AND #status IN (:s0, :s1)',
      ExpressionAttributeNames: {
        '#status': 'status',
        '#f0': 'status',
        '#f1': 'updatedAt',
        '#f2': 'latencyMs',
      },
      ExpressionAttributeValues: {
        ':v0': 'applied',
        ':v1': 'now',
        ':v2': 12,
        ':s0': 'queued',
        ':s1': 'dispatching',
      },
    });
  });

  it('answers false when the condition fails', async () => {
    ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));
    expect(await store().updateAssignment('asg-1', { status: 'failed' }, ['queued'])).toBe(false);
  });

  it('rethrows other errors', async () => {
    const throttled = Object.assign(new Error('slow down'), {
      name: 'ProvisionedThroughputExceededException',
    });
    ddb.on(UpdateCommand).rejects(throttled);
    await expect(store().updateAssignment('asg-1', { status: 'failed' }, ['queued'])).rejects.toBe(throttled);
  });
});

describe('DynamoAssignmentStore small updates', () => {
  it('markEnqueued keeps the first enqueuedAt of an existing assignment', async () => {
    ddb.on(UpdateCommand).resolves({});
    await store().markEnqueued('asg-1', 'at');
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: 'ASSIGNMENT#asg-1', sk: 'A' },
      UpdateExpression: 'SET enqueuedAt = if_not_exists(enqueuedAt, :at)',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':at': 'at' },
    });
  });

  it('clearPendingEvents removes the pending events', async () => {
    ddb.on(UpdateCommand).resolves({});
    await store().clearPendingEvents('asg-1');
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input).toMatchObject({
      Key: { pk: 'ASSIGNMENT#asg-1', sk: 'A' },
      UpdateExpression: 'REMOVE pendingEvents',
    });
  });

  it('recordApplied sets lastApplied and the remaining managed agents on the existing campaign state', async () => {
    ddb.on(UpdateCommand).resolves({});
    const applied = {
      assignmentId: 'asg-1',
      assignments: [],
      foreignAgents: [],
      hiddenAgents: 0,
      appliedAt: 'at',
    };
    await store().recordApplied(CAMPAIGN_ID, applied, ['agent-1']);
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: `CAMPAIGN#${CAMPAIGN_ID}`, sk: 'S' },
      UpdateExpression: 'SET lastApplied = :applied, managedAgents = :managed',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':applied': pack(applied), ':managed': pack(['agent-1']) },
    });
  });

  it('recordDriftCheck sets the last drift check on the existing campaign state', async () => {
    ddb.on(UpdateCommand).resolves({});
    await store().recordDriftCheck(CAMPAIGN_ID, { checkedAt: 'at', skillId: 4501234, inSync: true });
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: `CAMPAIGN#${CAMPAIGN_ID}`, sk: 'S' },
      UpdateExpression: 'SET lastDriftCheck = :check',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':check': { checkedAt: 'at', skillId: 4501234, inSync: true } },
    });
  });

  it('recordManaged sets the managed agents on the existing campaign state', async () => {
    ddb.on(UpdateCommand).resolves({});
    await store().recordManaged(CAMPAIGN_ID, ['agent-1', 'agent-2']);
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: `CAMPAIGN#${CAMPAIGN_ID}`, sk: 'S' },
      UpdateExpression: 'SET managedAgents = :managed',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':managed': pack(['agent-1', 'agent-2']) },
    });
  });

  it('reserveSequence ADDs the count to the campaign’s counter item and returns the first reserved number', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: { sequence: 7 } });
    expect(await store().reserveSequence(CAMPAIGN_ID, 3)).toBe(5);
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: `CAMPAIGN#${CAMPAIGN_ID}`, sk: 'N' },
      UpdateExpression: 'ADD #sequence :n',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#sequence': 'sequence' },
      ExpressionAttributeValues: { ':n': 3 },
      ReturnValues: 'UPDATED_NEW',
    });
  });

  it('reserveSequence creates the counter item at 1 for a new campaign', async () => {
    ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));
    ddb.on(GetCommand).resolves({ Item: { pk: `CAMPAIGN#${CAMPAIGN_ID}`, sk: 'S' } });
    ddb.on(PutCommand).resolves({});
    expect(await store().reserveSequence(CAMPAIGN_ID, 2)).toBe(1);
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Item: { pk: `CAMPAIGN#${CAMPAIGN_ID}`, sk: 'N', sequence: 2 },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });

  it('updateAssignment stores the pending events and the result packed', async () => {
    ddb.on(UpdateCommand).resolves({});
    const events = [{ id: 'e-1' }, { id: 'e-2' }] as never;
    const result = { active: ['agent-1'], verified: true } as never;
    await store().updateAssignment('asg-1', { pendingEvents: events, result }, ['dispatching']);
    const values = ddb.commandCalls(UpdateCommand)[0]?.args[0].input.ExpressionAttributeValues;
    expect(values?.[':v0']).toBeInstanceOf(Uint8Array);
    expect(unpack(values?.[':v0'])).toEqual(events);
    expect(unpack(values?.[':v1'])).toEqual(result);
  });
});

describe('DynamoAssignmentStore with a submission body', () => {
  it('stores the desired state as given (nested agents, windows), once, smaller than its JSON', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const body = submission(3);
    await store().createAssignment({ ...record, desired: body, agentsRequested: 3 });
    const items = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items[0]?.Put?.Item?.desired).toBeUndefined();
    const packed = ddb.commandCalls(PutCommand)[0]?.args[0].input.Item?.desired;
    expect(unpack(packed)).toEqual(body);
    expect((packed as Uint8Array).length).toBeLessThan(JSON.stringify(body).length / 2);
    expect(JSON.stringify(items[1]?.Update)).not.toContain('agent-uuid');
  });
});

describe('DynamoAssignmentStore over items of the previous layout', () => {
  const table = () => {
    const fake = new FakeDynamoTable();
    fake.install(ddb);
    return fake;
  };
  const legacyCampaign = {
    pk: `CAMPAIGN#${CAMPAIGN_ID}`,
    sk: 'S',
    campaignId: CAMPAIGN_ID,
    latestAssignmentId: 'asg-1',
    desired: record.desired,
    submittedAt: MORNING.toISOString(),
    lastApplied: { assignmentId: 'asg-1', assignments: [], hiddenAgents: 0, appliedAt: 'at' },
    managedAgents: ['agent-uuid-001'],
    sequence: 41,
  };

  it('reads an assignment that holds its desired state and plain pending events', async () => {
    const fake = table();
    fake.seed({ pk: 'ASSIGNMENT#asg-1', sk: 'A', ...record, pendingEvents: [{ id: 'e-1' }], expiresAt: 1 });
    expect(await store().getAssignment('asg-1')).toEqual({ ...record, pendingEvents: [{ id: 'e-1' }] });
  });

  it('reads a campaign item that holds the desired state, plain lists and the counter', async () => {
    table().seed(legacyCampaign);
    expect(await store().getCampaignState(CAMPAIGN_ID)).toEqual({
      campaignId: CAMPAIGN_ID,
      latestAssignmentId: 'asg-1',
      desired: record.desired,
      submittedAt: MORNING.toISOString(),
      lastApplied: legacyCampaign.lastApplied,
      managedAgents: ['agent-uuid-001'],
    });
  });

  it('continues the campaign’s sequence from the old counter, then on the counter item only', async () => {
    const fake = table();
    fake.seed(legacyCampaign);
    expect(await store().reserveSequence(CAMPAIGN_ID, 3)).toBe(42);
    expect(await store().reserveSequence(CAMPAIGN_ID, 1)).toBe(45);
    expect(fake.item(`CAMPAIGN#${CAMPAIGN_ID}`, 'N')?.sequence).toBe(45);
    expect(fake.item(`CAMPAIGN#${CAMPAIGN_ID}`, 'S')?.sequence).toBe(41);
  });

  it('a new submission drops the campaign’s copy of the desired state; the state reads the new one', async () => {
    const fake = table();
    fake.seed(legacyCampaign);
    fake.seed({ pk: 'ASSIGNMENT#asg-1', sk: 'A', ...record });
    const next = { ...queuedRecord('asg-2', submission(2)), enqueuedAt: undefined };
    await store().createAssignment(next);
    expect(fake.item(`CAMPAIGN#${CAMPAIGN_ID}`, 'S')?.desired).toBeUndefined();
    const state = await store().getCampaignState(CAMPAIGN_ID);
    expect(state).toMatchObject({
      latestAssignmentId: 'asg-2',
      desired: submission(2),
      lastApplied: legacyCampaign.lastApplied,
      managedAgents: ['agent-uuid-001'],
    });
    await store().recordApplied(CAMPAIGN_ID, { ...legacyCampaign.lastApplied, assignmentId: 'asg-2' }, []);
    expect((await store().getCampaignState(CAMPAIGN_ID))?.lastApplied?.assignmentId).toBe('asg-2');
    expect(await store().getAssignment('asg-1')).toEqual(record);
  });
});

describe('DynamoAssignmentStore desired states in memory', () => {
  it('reads an assignment’s desired state once: it never changes once written', async () => {
    const fake = new FakeDynamoTable();
    fake.install(ddb);
    const once = store();
    await once.createAssignment(record);
    ddb.resetHistory();
    expect((await once.getAssignment('asg-1'))?.desired).toEqual(record.desired);
    expect((await once.getCampaignState(CAMPAIGN_ID))?.desired).toEqual(record.desired);
    expect((await once.getCampaignState(CAMPAIGN_ID))?.desired).toEqual(record.desired);
    const keys = ddb.commandCalls(GetCommand).map((call) => call.args[0].input.Key?.sk);
    expect(keys).toEqual(['S', 'S']);
    // Another store (another container) reads the item.
    expect((await store().getCampaignState(CAMPAIGN_ID))?.desired).toEqual(record.desired);
    expect(ddb.commandCalls(GetCommand).map((call) => call.args[0].input.Key?.sk)).toEqual([
      'S',
      'S',
      'S',
      'D',
    ]);
  });
});
