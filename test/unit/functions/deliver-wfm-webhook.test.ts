import { randomBytes } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { WfmDeliveryMessage } from '../../../lib/app/messages.ts';
import { buildAssignmentEvent, type WfmEvent } from '../../../lib/wfm/cloudevents.ts';
import { CAMPAIGN_ID, MORNING } from '../../support/fixtures.ts';
import { coldStart, WFM_QUEUE_URL } from '../../support/handler-env.ts';
import { lambdaContext, type SqsMessage, sqsEvent } from '../../support/lambda-events.ts';
import { printedLines } from '../../support/printed-lines.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver.ts';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const PREVIOUS = `whsec_${randomBytes(32).toString('base64')}`;

const sqs = mockClient(SQSClient);
const secrets = mockClient(SecretsManagerClient);
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver.close();
  sqs.restore();
  secrets.restore();
});
beforeEach(() => {
  receiver.received.length = 0;
  receiver.answers.clear();
  sqs.reset();
  secrets.reset();
  sqs.on(ChangeMessageVisibilityCommand).resolves({});
  secrets.on(GetSecretValueCommand, { SecretId: 'wfm/signing' }).resolves({
    SecretString: JSON.stringify({ current: SECRET }),
  });
  secrets.on(GetSecretValueCommand, { SecretId: 'wfm/signing-rotating' }).resolves({
    SecretString: JSON.stringify({ current: SECRET, previous: PREVIOUS }),
  });
});

async function loadHandler(secretId = 'wfm/signing', env: Record<string, string> = {}) {
  coldStart({
    ...env,
    WFM_QUEUE_URL,
    WFM_SECRET_ID: secretId,
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

function delivery(
  messageId: string,
  endpoint: string,
  event = eventFor('asg-1'),
  receiveCount = 1,
): SqsMessage {
  const body: WfmDeliveryMessage = { endpoint, event };
  return { messageId, body: JSON.stringify(body), receiveCount };
}

const failures = (response: SQSBatchResponse) => response.batchItemFailures.map((f) => f.itemIdentifier);
const visibilityChanges = () =>
  sqs.commandCalls(ChangeMessageVisibilityCommand).map((call) => call.args[0].input);
const standardHeaders = (headers: Record<string, string | string[] | undefined>) =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, String(value)]));

describe('deliver-wfm-webhook handler', () => {
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

  it('signs with both secrets while the secret is being rotated', async () => {
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

  it('on 503 with Retry-After reports the failure and delays the redelivery by Retry-After', async () => {
    receiver.answers.set('/flaky', { status: 503, headers: { 'retry-after': '7' } });
    const deliver = await loadHandler();
    const response = await deliver(
      delivery('m-ok', 'wfm'),
      delivery('m-flaky', 'flaky', eventFor('asg-1'), 3),
    );

    expect(failures(response)).toEqual(['m-flaky']);
    expect(visibilityChanges()).toEqual([
      { QueueUrl: WFM_QUEUE_URL, ReceiptHandle: 'receipt-m-flaky-3', VisibilityTimeout: 7 },
    ]);
    expect(receiver.received.map((r) => r.path).sort()).toEqual(['/flaky', '/hooks']);
  });

  it('reports a message for an endpoint that is not configured as a failure, without calling anyone', async () => {
    const deliver = await loadHandler();
    const response = await deliver(delivery('m-1', 'retired-endpoint'));
    expect(failures(response)).toEqual(['m-1']);
    expect(receiver.received).toEqual([]);
  });

  it('reports a message that is not a delivery message as a failure', async () => {
    const deliver = await loadHandler();
    const response = await deliver(
      { messageId: 'm-1', body: 'not json' },
      { messageId: 'm-2', body: JSON.stringify({ endpoint: 'wfm', event: { id: 'x' } }) },
    );
    expect(failures(response)).toEqual(['m-1', 'm-2']);
    expect(receiver.received).toEqual([]);
  });

  it('logs a message that is not JSON, or not a delivery message, as a poison message with the reason', async () => {
    const deliver = await loadHandler('wfm/signing', { POWERTOOLS_LOG_LEVEL: 'INFO' });
    const { result: response, lines } = await printedLines(() =>
      deliver(
        { messageId: 'm-garbled', body: '{"endpoint": "wfm", "event": ' },
        { messageId: 'm-odd', body: JSON.stringify({ endpoint: 'wfm', event: { id: 'x' } }) },
      ),
    );
    expect(failures(response)).toEqual(['m-garbled', 'm-odd']);
    const unreadable = lines.filter((line) => line.message === 'WFM delivery message unreadable');
    expect(unreadable.map(({ level, messageId }) => [level, messageId])).toEqual([
      ['ERROR', 'm-garbled'],
      ['ERROR', 'm-odd'],
    ]);
    const reasons = unreadable.map((line) => (line.error as { message: string }).message);
    expect(reasons[0]).toBe('SQS message m-garbled is unreadable (not JSON); it will end in the DLQ');
    expect(reasons[1]).toMatch(/^SQS message m-odd is unreadable \(event\.\w+: /);
    expect(visibilityChanges()).toEqual([]);
    expect(receiver.received).toEqual([]);
  });

  it('keeps the same webhook-id on a retried delivery', async () => {
    receiver.answers.set('/flaky', { status: 500 });
    const deliver = await loadHandler();
    const event = eventFor('asg-7');
    await deliver(delivery('m-1', 'flaky', event, 1));
    await deliver(delivery('m-1', 'flaky', event, 2));
    expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual([event.id, event.id]);
    expect(visibilityChanges().map((change) => change.VisibilityTimeout)).toEqual([
      expect.any(Number),
      expect.any(Number),
    ]);
  });
});
