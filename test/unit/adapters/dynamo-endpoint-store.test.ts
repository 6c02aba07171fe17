import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  DynamoDeliveryLog,
  DynamoEndpointStore,
  decodeCursor,
  encodeCursor,
} from '../../../lib/adapters/dynamo-endpoint-store.ts';
import { DynamoEventLog } from '../../../lib/adapters/dynamo-event-log.ts';
import { KmsSecretSealer, SECRET_PURPOSE } from '../../../lib/adapters/kms-secret-sealer.ts';
import type { EndpointRecord } from '../../../lib/app/webhook-model.ts';
import { InvalidCursorError } from '../../../lib/app/webhook-ports.ts';
import { buildAssignmentEvent, serializeWfmEvent } from '../../../lib/wfm/cloudevents.ts';

const doc = mockClient(DynamoDBDocumentClient);
const kms = mockClient(KMSClient);
const TABLE = 'assignments-test';
const client = () => new DynamoDBClient({ region: 'us-east-1' });
const ID = 'ep_0193c2a1f0b24c7d9e8f1a2b';
const record: EndpointRecord = {
  id: ID,
  url: 'https://wfm.example.com/hooks',
  description: '',
  eventTypes: ['*'],
  enabled: true,
  createdAt: '2025-03-10T12:00:00.000Z',
  updatedAt: '2025-03-10T12:00:00.000Z',
  sealedSecret: 'c2VhbGVk',
};
const conditionFailed = () => new ConditionalCheckFailedException({ message: 'failed', $metadata: {} });

beforeEach(() => {
  doc.reset();
  kms.reset();
});

describe('DynamoEndpointStore', () => {
  it('creates an endpoint item under the endpoints partition, never over an existing one', async () => {
    doc.on(PutCommand).resolves({});
    await new DynamoEndpointStore(client(), TABLE).create(record);
    expect(doc.commandCalls(PutCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Item: { pk: 'WEBHOOK_ENDPOINTS', sk: `ENDPOINT#${ID}`, ...record },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });

  it('reads an endpoint consistently, without the keys', async () => {
    doc.on(GetCommand).resolves({ Item: { pk: 'WEBHOOK_ENDPOINTS', sk: `ENDPOINT#${ID}`, ...record } });
    expect(await new DynamoEndpointStore(client(), TABLE).get(ID)).toEqual(record);
    expect(doc.commandCalls(GetCommand)[0]?.args[0].input.ConsistentRead).toBe(true);
  });

  it('lists a page and hands out a cursor that only this list takes back', async () => {
    const last = { pk: 'WEBHOOK_ENDPOINTS', sk: `ENDPOINT#${ID}` };
    doc.on(QueryCommand).resolves({ Items: [{ ...last, ...record }], LastEvaluatedKey: last });
    const store = new DynamoEndpointStore(client(), TABLE);
    const page = await store.list({ limit: 1 });
    expect(page.items).toEqual([record]);
    expect(decodeCursor(page.nextCursor, 'WEBHOOK_ENDPOINTS')).toEqual(last);
    await store.list({ limit: 1, cursor: page.nextCursor as string });
    expect(doc.commandCalls(QueryCommand)[1]?.args[0].input).toMatchObject({
      Limit: 1,
      ExclusiveStartKey: last,
    });
    const foreign = encodeCursor({ pk: 'WEBHOOK_DELIVERIES#x', sk: 'y' });
    await expect(store.list({ limit: 1, cursor: foreign as string })).rejects.toThrow(InvalidCursorError);
    await expect(store.list({ limit: 1, cursor: 'bm9wZQ' })).rejects.toThrow(InvalidCursorError);
  });

  it('reads every subscription for fan-out without the sealed secrets', async () => {
    doc
      .on(QueryCommand)
      .resolvesOnce({
        Items: [{ id: ID, enabled: true, eventTypes: ['*'] }],
        LastEvaluatedKey: { pk: 'p', sk: 's' },
      })
      .resolvesOnce({ Items: [{ id: 'ep_2', enabled: false, eventTypes: ['x'] }] });
    const found = await new DynamoEndpointStore(client(), TABLE).subscriptions();
    expect(found).toEqual([
      { id: ID, enabled: true, eventTypes: ['*'] },
      { id: 'ep_2', enabled: false, eventTypes: ['x'] },
    ]);
    const input = doc.commandCalls(QueryCommand)[0]?.args[0].input;
    expect(Object.values(input?.ExpressionAttributeNames ?? {}).sort()).toEqual([
      'enabled',
      'eventTypes',
      'id',
    ]);
  });

  it('updates with SET and REMOVE, only an existing endpoint', async () => {
    doc
      .on(UpdateCommand)
      .resolvesOnce({ Attributes: { ...record, enabled: false } })
      .rejectsOnce(conditionFailed());
    const store = new DynamoEndpointStore(client(), TABLE);
    const updated = await store.update(ID, { enabled: false, failingSince: null, description: undefined });
    expect(updated?.enabled).toBe(false);
    expect(doc.commandCalls(UpdateCommand)[0]?.args[0].input).toMatchObject({
      UpdateExpression: 'SET #f0 = :v0 REMOVE #f1',
      ExpressionAttributeNames: { '#f0': 'enabled', '#f1': 'failingSince' },
      ExpressionAttributeValues: { ':v0': false },
      ConditionExpression: 'attribute_exists(pk)',
    });
    expect(await store.update(ID, { enabled: true })).toBeUndefined();
  });

  it('disables only an enabled endpoint, and tells whether it did', async () => {
    doc.on(UpdateCommand).resolvesOnce({}).rejectsOnce(conditionFailed());
    const store = new DynamoEndpointStore(client(), TABLE);
    expect(await store.disable(ID, 'gone', '2025-03-10T12:00:00.000Z')).toBe(true);
    expect(await store.disable(ID, 'gone', '2025-03-10T12:00:00.000Z')).toBe(false);
    expect(doc.commandCalls(UpdateCommand)[0]?.args[0].input.ConditionExpression).toBe(
      'attribute_exists(pk) AND enabled = :on',
    );
  });

  it('keeps the first failure time, and deletes reporting whether there was an endpoint', async () => {
    doc.on(UpdateCommand).resolves({});
    doc.on(DeleteCommand).resolvesOnce({ Attributes: record }).resolvesOnce({});
    const store = new DynamoEndpointStore(client(), TABLE);
    await store.markFailing(ID, '2025-03-10T12:00:00.000Z');
    expect(doc.commandCalls(UpdateCommand)[0]?.args[0].input.UpdateExpression).toBe(
      'SET failingSince = if_not_exists(failingSince, :since)',
    );
    expect(await store.delete(ID)).toBe(true);
    expect(await store.delete(ID)).toBe(false);
  });
});

describe('DynamoDeliveryLog', () => {
  it('records each attempt under the endpoint, with a TTL, and lists newest first', async () => {
    doc.on(PutCommand).resolves({});
    doc.on(QueryCommand).resolves({ Items: [] });
    const log = new DynamoDeliveryLog(client(), TABLE, 14);
    const attempt = {
      eventId: 'e-1',
      eventType: 'com.cxone-assignments.assignment.applied',
      attempt: 2,
      at: '2025-03-10T12:00:00.000Z',
      outcome: 'pending' as const,
      durationMs: 3,
    };
    await log.record(ID, attempt);
    expect(doc.commandCalls(PutCommand)[0]?.args[0].input.Item).toEqual({
      pk: `WEBHOOK_DELIVERIES#${ID}`,
      sk: '2025-03-10T12:00:00.000Z#e-1#002',
      ...attempt,
      expiresAt: Date.parse(attempt.at) / 1000 + 14 * 86_400,
    });
    await log.list(ID, { limit: 5 });
    expect(doc.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      ScanIndexForward: false,
      Limit: 5,
    });
  });
});

describe('DynamoEventLog', () => {
  const event = buildAssignmentEvent({
    assignmentId: 'asg-1',
    campaignId: 'c-1',
    status: 'applied',
    time: new Date('2025-03-10T12:30:00Z'),
  });

  it('stores an event in its hour’s partition with a TTL', async () => {
    doc.on(PutCommand).resolves({});
    await new DynamoEventLog(client(), TABLE, 14).put(event);
    expect(doc.commandCalls(PutCommand)[0]?.args[0].input.Item).toEqual({
      pk: 'WFM_EVENTS#2025-03-10T12',
      sk: `2025-03-10T12:30:00.000Z#${event.id}`,
      type: event.type,
      event: serializeWfmEvent(event),
      expiresAt: Date.parse(event.time) / 1000 + 14 * 86_400,
    });
  });

  it('reads every hour of a window and leaves out its end', async () => {
    doc
      .on(QueryCommand)
      .callsFake(async (input) =>
        input.ExpressionAttributeValues[':pk'] === 'WFM_EVENTS#2025-03-10T12'
          ? { Items: [{ event: serializeWfmEvent(event) }, { event: '{"not":"an event"}' }] }
          : { Items: [] },
      );
    const log = new DynamoEventLog(client(), TABLE, 14);
    const found = await log.between(new Date('2025-03-10T10:15:00Z'), new Date('2025-03-10T13:00:00Z'), 10);
    expect(found).toEqual([event]);
    const hours = doc
      .commandCalls(QueryCommand)
      .map((call) => call.args[0].input.ExpressionAttributeValues?.[':pk']);
    expect(hours).toEqual([
      'WFM_EVENTS#2025-03-10T10',
      'WFM_EVENTS#2025-03-10T11',
      'WFM_EVENTS#2025-03-10T12',
    ]);
    expect(await log.between(new Date('2025-03-10T12:00:00Z'), new Date(event.time), 10)).toEqual([]);
  });
});

describe('KmsSecretSealer', () => {
  it('encrypts with the endpoint bound in the encryption context and decrypts with the same context', async () => {
    kms.on(EncryptCommand).resolves({ CiphertextBlob: Buffer.from('cipher') });
    kms.on(DecryptCommand).resolves({ Plaintext: Buffer.from('whsec_secret') });
    const sealer = new KmsSecretSealer(new KMSClient({ region: 'us-east-1' }), {
      keyId: 'key-arn',
      maxAgeSeconds: 300,
    });
    const sealed = await sealer.seal('whsec_secret', ID);
    expect(sealed).toBe(Buffer.from('cipher').toString('base64'));
    expect(kms.commandCalls(EncryptCommand)[0]?.args[0].input).toMatchObject({
      KeyId: 'key-arn',
      EncryptionContext: { purpose: SECRET_PURPOSE, endpointId: ID },
    });
    expect(await sealer.open(sealed, ID)).toBe('whsec_secret');
    expect(kms.commandCalls(DecryptCommand)[0]?.args[0].input).toMatchObject({
      KeyId: 'key-arn',
      EncryptionContext: { purpose: SECRET_PURPOSE, endpointId: ID },
    });
  });

  it('reuses a decrypted secret for its max age, then asks KMS again', async () => {
    kms.on(DecryptCommand).resolves({ Plaintext: Buffer.from('whsec_secret') });
    let now = 0;
    const sealer = new KmsSecretSealer(new KMSClient({ region: 'us-east-1' }), {
      keyId: 'key-arn',
      maxAgeSeconds: 60,
      now: () => now,
    });
    await sealer.open('Y2lwaGVy', ID);
    await sealer.open('Y2lwaGVy', ID);
    expect(kms.commandCalls(DecryptCommand)).toHaveLength(1);
    await sealer.open('Y2lwaGVy', 'ep_other');
    expect(kms.commandCalls(DecryptCommand)).toHaveLength(2);
    now = 60_001;
    await sealer.open('Y2lwaGVy', ID);
    expect(kms.commandCalls(DecryptCommand)).toHaveLength(3);
  });
});
