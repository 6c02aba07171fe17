import { randomBytes } from 'node:crypto';
import { DecryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  ChangeMessageVisibilityCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EndpointRecord, WfmQueueMessage } from '../../../lib/app/webhook-model.ts';
import { buildAssignmentEvent, type WfmEvent } from '../../../lib/wfm/cloudevents.ts';
import { CAMPAIGN_ID, MORNING } from '../../support/fixtures.ts';
import { coldStart, TABLE_NAME, WFM_QUEUE_URL } from '../../support/handler-env.ts';
import { lambdaContext, type SqsMessage, sqsEvent } from '../../support/lambda-events.ts';
import { printedLines } from '../../support/printed-lines.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver.ts';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const PREVIOUS = `whsec_${randomBytes(32).toString('base64')}`;
const ENDPOINT_SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const DLQ_URL = `${WFM_QUEUE_URL}-dlq`;
const KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const ENDPOINT_ID = 'ep_0193c2a1f0b24c7d9e8f1a2b';

const sqs = mockClient(SQSClient);
const secrets = mockClient(SecretsManagerClient);
const doc = mockClient(DynamoDBDocumentClient);
const kms = mockClient(KMSClient);
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver.close();
  for (const mock of [sqs, secrets, doc, kms]) mock.restore();
});
beforeEach(() => {
  receiver.received.length = 0;
  receiver.answers.clear();
  for (const mock of [sqs, secrets, doc, kms]) mock.reset();
  sqs.on(ChangeMessageVisibilityCommand).resolves({});
  sqs.on(SendMessageCommand).resolves({});
  sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
  doc.on(PutCommand).resolves({});
  doc.on(UpdateCommand).resolves({});
  secrets.on(GetSecretValueCommand, { SecretId: 'wfm/signing' }).resolves({
    SecretString: JSON.stringify({ current: SECRET }),
  });
  secrets.on(GetSecretValueCommand, { SecretId: 'wfm/signing-rotating' }).resolves({
    SecretString: JSON.stringify({ current: SECRET, previous: PREVIOUS }),
  });
  kms.on(DecryptCommand).resolves({ Plaintext: Buffer.from(ENDPOINT_SECRET) });
});

async function loadHandler(secretId = 'wfm/signing', env: Record<string, string> = {}) {
  coldStart({
    ...env,
    TABLE_NAME,
    WFM_QUEUE_URL,
    WFM_DLQ_URL: DLQ_URL,
    WFM_SECRET_ID: secretId,
    WFM_ENDPOINT_KEY_ID: KEY_ARN,
    WFM_ALLOW_PRIVATE_TARGETS: 'true',
    WFM_ENDPOINTS: JSON.stringify([
      { name: 'wfm', url: `${receiver.url}/hooks` },
      { name: 'flaky', url: `${receiver.url}/flaky` },
    ]),
  });
  const { handler } = await import('../../../functions/deliver-wfm-webhook.ts');
  return async (...messages: SqsMessage[]) =>
    (await handler(sqsEvent(...messages), lambdaContext(30_000))) as SQSBatchResponse;
}

function eventFor(assignmentId: string): WfmEvent {
  return buildAssignmentEvent({
    assignmentId,
    campaignId: CAMPAIGN_ID,
    status: 'applied',
    latencyMs: 1_500,
    callRateTarget: 8.5,
    time: MORNING,
  });
}

function queued(messageId: string, body: WfmQueueMessage, receiveCount = 1): SqsMessage {
  return { messageId, body: JSON.stringify(body), receiveCount };
}
const delivery = (messageId: string, endpoint: string, event = eventFor('asg-1'), receiveCount = 1) =>
  queued(messageId, { endpoint, event }, receiveCount);

const apiEndpoint = (url: string, extra: Partial<EndpointRecord> = {}): EndpointRecord => ({
  id: ENDPOINT_ID,
  url,
  description: 'WFM A',
  eventTypes: ['*'],
  enabled: true,
  createdAt: '2025-03-10T12:00:00.000Z',
  updatedAt: '2025-03-10T12:00:00.000Z',
  sealedSecret: Buffer.from('ciphertext').toString('base64'),
  ...extra,
});

const failures = (response: SQSBatchResponse) => response.batchItemFailures.map((f) => f.itemIdentifier);
const visibilityChanges = () =>
  sqs.commandCalls(ChangeMessageVisibilityCommand).map((call) => call.args[0].input);
const deadLettered = () =>
  sqs
    .commandCalls(SendMessageCommand)
    .map((call) => call.args[0].input)
    .filter((input) => input.QueueUrl === DLQ_URL);
const standardHeaders = (headers: Record<string, string | string[] | undefined>) =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, String(value)]));

describe('deliver-wfm-webhook handler: deploy-parameter endpoints', () => {
  it('POSTs the event, signed so that standardwebhooks verifies it, and acknowledges the message', async () => {
    const deliver = await loadHandler();
    const event = eventFor('asg-1');

    expect(await deliver(delivery('m-1', 'wfm', event))).toEqual({ batchItemFailures: [] });

    expect(receiver.received).toHaveLength(1);
    const [webhook] = receiver.received;
    expect(webhook?.method).toBe('POST');
    expect(webhook?.path).toBe('/hooks');
    expect(webhook?.headers['content-type']).toBe('application/cloudevents+json');
    expect(webhook?.headers['webhook-id']).toBe(event.id);
    const verified = new Webhook(SECRET).verify(webhook?.body ?? '', standardHeaders(webhook?.headers ?? {}));
    expect(verified).toEqual(event);
    expect(visibilityChanges()).toEqual([]);
  });

  it('signs with both secrets while the stage secret is being rotated', async () => {
    const deliver = await loadHandler('wfm/signing-rotating');
    await deliver(delivery('m-1', 'wfm'));
    const [webhook] = receiver.received;
    const headers = standardHeaders(webhook?.headers ?? {});
    expect(headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(new Webhook(PREVIOUS).verify(webhook?.body ?? '', headers)).toEqual(eventFor('asg-1'));
    expect(new Webhook(SECRET).verify(webhook?.body ?? '', headers)).toEqual(eventFor('asg-1'));
  });

  it('acknowledges an event the endpoint answers 410 Gone to', async () => {
    receiver.answers.set('/hooks', { status: 410 });
    const deliver = await loadHandler();
    expect(await deliver(delivery('m-1', 'wfm'))).toEqual({ batchItemFailures: [] });
    expect(receiver.received).toHaveLength(1);
    expect(visibilityChanges()).toEqual([]);
  });

  it('waits the schedule’s step after a failure, longer when Retry-After asks for it', async () => {
    receiver.answers.set('/flaky', { status: 503, headers: { 'retry-after': '7' } });
    const deliver = await loadHandler('wfm/signing', { WFM_RETRY_SCHEDULE_SECONDS: '1,2,4' });
    const response = await deliver(
      delivery('m-ok', 'wfm'),
      delivery('m-flaky-1', 'flaky', eventFor('asg-1'), 1),
      delivery('m-flaky-3', 'flaky', eventFor('asg-2'), 3),
    );

    expect(failures(response).sort()).toEqual(['m-flaky-1', 'm-flaky-3']);
    expect(visibilityChanges()).toEqual(
      expect.arrayContaining([
        { QueueUrl: WFM_QUEUE_URL, ReceiptHandle: 'receipt-m-flaky-1-1', VisibilityTimeout: 7 },
        { QueueUrl: WFM_QUEUE_URL, ReceiptHandle: 'receipt-m-flaky-3-3', VisibilityTimeout: 7 },
      ]),
    );
    receiver.answers.set('/flaky', { status: 500 });
    sqs.resetHistory();
    await deliver(delivery('m-flaky-2', 'flaky', eventFor('asg-3'), 3));
    expect(visibilityChanges().map((change) => change.VisibilityTimeout)).toEqual([4]);
  });

  it('moves a delivery whose last attempt failed to the dead-letter queue and acknowledges it', async () => {
    receiver.answers.set('/flaky', { status: 500 });
    const deliver = await loadHandler('wfm/signing', { WFM_RETRY_SCHEDULE_SECONDS: '1,2,4' });
    const message = delivery('m-1', 'flaky', eventFor('asg-1'), 4);
    expect(await deliver(message)).toEqual({ batchItemFailures: [] });
    expect(deadLettered()).toEqual([
      {
        QueueUrl: DLQ_URL,
        MessageBody: message.body,
        MessageAttributes: {
          reason: { DataType: 'String', StringValue: 'all 4 attempts failed (last: http 500)' },
        },
      },
    ]);
    expect(visibilityChanges()).toEqual([]);
  });

  it('dead-letters a message for an endpoint that is not configured, without calling anyone', async () => {
    const deliver = await loadHandler();
    expect(await deliver(delivery('m-1', 'retired-endpoint'))).toEqual({ batchItemFailures: [] });
    expect(deadLettered()).toHaveLength(1);
    expect(receiver.received).toEqual([]);
  });

  it('logs a message that is not JSON, or not a WFM message, as a poison message and dead-letters it', async () => {
    const deliver = await loadHandler('wfm/signing', { POWERTOOLS_LOG_LEVEL: 'INFO' });
    const { result: response, lines } = await printedLines(() =>
      deliver(
        { messageId: 'm-garbled', body: '{"endpoint": "wfm", "event": ' },
        { messageId: 'm-odd', body: JSON.stringify({ endpoint: 'wfm', event: { id: 'x' } }) },
      ),
    );
    expect(failures(response)).toEqual([]);
    const unreadable = lines.filter((line) => line.message === 'WFM delivery message unreadable');
    expect(unreadable.map(({ level, messageId }) => [level, messageId])).toEqual([
      ['ERROR', 'm-garbled'],
      ['ERROR', 'm-odd'],
    ]);
    const reasons = unreadable.map((line) => (line.error as { message: string }).message);
    expect(reasons[0]).toBe('SQS message m-garbled is unreadable (not JSON); it will end in the DLQ');
    expect(reasons[1]).toMatch(/^SQS message m-odd is unreadable \(event\.\w+: /);
    expect(deadLettered().map((input) => input.MessageBody)).toEqual([
      '{"endpoint": "wfm", "event": ',
      JSON.stringify({ endpoint: 'wfm', event: { id: 'x' } }),
    ]);
    expect(receiver.received).toEqual([]);
  });

  it('keeps the same webhook-id on a retried delivery', async () => {
    receiver.answers.set('/flaky', { status: 500 });
    const deliver = await loadHandler();
    const event = eventFor('asg-7');
    await deliver(delivery('m-1', 'flaky', event, 1));
    await deliver(delivery('m-1', 'flaky', event, 2));
    expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual([event.id, event.id]);
    expect(visibilityChanges().map((change) => change.VisibilityTimeout)).toEqual([5, 300]);
  });
});

describe('deliver-wfm-webhook handler: fan-out and API-created endpoints', () => {
  it('stores an event for replay and queues it once per matching endpoint', async () => {
    doc.on(QueryCommand).resolves({
      Items: [
        { id: ENDPOINT_ID, enabled: true, eventTypes: ['com.cxone-assignments.assignment.*'] },
        { id: 'ep_0193c2a1f0b24c7d9e8f1a2c', enabled: false, eventTypes: ['*'] },
      ],
    });
    const deliver = await loadHandler();
    const event = eventFor('asg-1');
    expect(await deliver(queued('m-1', { event }))).toEqual({ batchItemFailures: [] });

    expect(doc.commandCalls(PutCommand)[0]?.args[0].input.Item).toMatchObject({
      sk: `${event.time}#${event.id}`,
    });
    const bodies = sqs
      .commandCalls(SendMessageBatchCommand)
      .flatMap((call) => call.args[0].input.Entries ?? [])
      .map((entry) => JSON.parse(entry.MessageBody ?? ''));
    expect(bodies).toEqual([
      { endpoint: 'wfm', event },
      { endpoint: 'flaky', event },
      { endpointId: ENDPOINT_ID, event },
    ]);
    expect(receiver.received).toEqual([]);
  });

  it('fans out the events of one batch together: one subscriptions query, their deliveries in one request', async () => {
    doc.on(QueryCommand).resolves({ Items: [{ id: ENDPOINT_ID, enabled: true, eventTypes: ['*'] }] });
    const deliver = await loadHandler();
    const events = ['asg-1', 'asg-2', 'asg-3'].map(eventFor);
    const response = await deliver(
      ...events.map((event, i) => queued(`m-${i}`, { event })),
      delivery('m-d', 'wfm', events[0]),
    );

    expect(response).toEqual({ batchItemFailures: [] });
    const stored = doc.commandCalls(PutCommand).map((call) => String(call.args[0].input.Item?.sk));
    expect(stored).toEqual(expect.arrayContaining(events.map((event) => `${event.time}#${event.id}`)));
    expect(doc.commandCalls(QueryCommand)).toHaveLength(1);
    const batches = sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input.Entries ?? []);
    expect(batches.map((entries) => entries.length)).toEqual([9]);
    expect(batches.flat().map((entry) => JSON.parse(entry.MessageBody ?? ''))).toEqual(
      events.flatMap((event) => [
        { endpoint: 'wfm', event },
        { endpoint: 'flaky', event },
        { endpointId: ENDPOINT_ID, event },
      ]),
    );
    // The delivery record of the same batch was delivered as before.
    expect(receiver.received).toHaveLength(1);
  });

  it('retries every fan-out record of the batch after a backoff when the fan-out fails, and delivers the rest', async () => {
    doc.on(QueryCommand).rejects(new Error('DynamoDB unavailable'));
    const deliver = await loadHandler();
    const events = ['asg-1', 'asg-2'].map(eventFor);
    const response = await deliver(
      queued('m-1', { event: events[0] as WfmEvent }, 2),
      queued('m-2', { event: events[1] as WfmEvent }),
      delivery('m-d', 'wfm', events[0]),
    );

    expect(failures(response).sort()).toEqual(['m-1', 'm-2']);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
    expect(visibilityChanges().map((change) => change.VisibilityTimeout)).toHaveLength(2);
    expect(receiver.received).toHaveLength(1);
  });

  it('signs a delivery to an API-created endpoint with its own secret and records the attempt', async () => {
    doc.on(GetCommand).resolves({ Item: apiEndpoint(`${receiver.url}/own`) });
    const deliver = await loadHandler();
    const event = eventFor('asg-1');
    expect(await deliver(queued('m-1', { endpointId: ENDPOINT_ID, event }))).toEqual({
      batchItemFailures: [],
    });

    const [webhook] = receiver.received;
    const headers = standardHeaders(webhook?.headers ?? {});
    expect(new Webhook(ENDPOINT_SECRET).verify(webhook?.body ?? '', headers)).toEqual(event);
    expect(() => new Webhook(SECRET).verify(webhook?.body ?? '', headers)).toThrow();
    expect(kms.commandCalls(DecryptCommand)[0]?.args[0].input).toMatchObject({
      KeyId: KEY_ARN,
      EncryptionContext: { purpose: 'webhook-signing-secret', endpointId: ENDPOINT_ID },
    });
    expect(doc.commandCalls(PutCommand)[0]?.args[0].input.Item).toMatchObject({
      pk: `WEBHOOK_DELIVERIES#${ENDPOINT_ID}`,
      eventId: event.id,
      attempt: 1,
      outcome: 'delivered',
      httpStatus: 204,
    });
  });

  it('disables an API-created endpoint that answers 410 and fans out endpoint.disabled', async () => {
    receiver.answers.set('/own', { status: 410 });
    doc.on(GetCommand).resolves({ Item: apiEndpoint(`${receiver.url}/own`) });
    const deliver = await loadHandler('wfm/signing', { POWERTOOLS_LOG_LEVEL: 'INFO' });
    const { result, lines } = await printedLines(() =>
      deliver(queued('m-1', { endpointId: ENDPOINT_ID, event: eventFor('asg-1') })),
    );
    expect(result).toEqual({ batchItemFailures: [] });
    expect(doc.commandCalls(UpdateCommand)[0]?.args[0].input).toMatchObject({
      ExpressionAttributeValues: { ':reason': 'gone', ':off': false },
    });
    const fannedOut = sqs
      .commandCalls(SendMessageBatchCommand)
      .flatMap((call) => call.args[0].input.Entries ?? [])
      .map((entry) => JSON.parse(entry.MessageBody ?? ''));
    expect(fannedOut).toEqual([
      {
        event: expect.objectContaining({
          type: 'com.cxone-assignments.endpoint.disabled',
          subject: ENDPOINT_ID,
        }),
      },
    ]);
    expect(lines.find((line) => line.message === 'webhook_endpoint.disabled')).toMatchObject({
      level: 'WARN',
      audit: { action: 'webhook_endpoint.disabled', endpoint: ENDPOINT_ID, reason: 'gone' },
    });
    expect(JSON.stringify(lines)).not.toContain(ENDPOINT_SECRET);
    expect(JSON.stringify(lines)).not.toContain('/own');
  });
});
