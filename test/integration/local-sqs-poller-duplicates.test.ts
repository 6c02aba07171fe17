// The local event source mapping's duplicate-delivery fault against a real moto server: a handled message is left
// on the queue and comes back once more (new receive, receive count + 1), as after a lost delete; never more
// than once, never for a failed record, and it can be turned off while running.
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Invocation } from '../../infra/local/lambda-runtime.ts';
import { LOCAL_REGION, type MotoServer, startMoto } from '../../infra/local/moto.ts';
import {
  checkRate,
  InvalidFaultRateError,
  type SqsPoller,
  startSqsPoller,
} from '../../infra/local/sqs-poller.ts';

let moto: MotoServer;
let sqs: SQSClient;
let queueCounter = 0;

beforeAll(async () => {
  moto = await startMoto();
  sqs = new SQSClient({
    endpoint: moto.url,
    region: LOCAL_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  sqs?.destroy();
  await moto?.close();
});

async function createQueue(fifo: boolean) {
  const name = `dup${++queueCounter}${fifo ? '.fifo' : ''}`;
  const url = (
    await sqs.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: { VisibilityTimeout: '2', ...(fifo ? { FifoQueue: 'true' } : {}) },
      }),
    )
  ).QueueUrl as string;
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] })))
    .Attributes?.QueueArn as string;
  return { url, arn };
}

async function send(url: string, body: string, group?: string) {
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: url,
      MessageBody: body,
      ...(group && { MessageGroupId: group, MessageDeduplicationId: body }),
    }),
  );
}

async function queueIsEmpty(url: string): Promise<boolean> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Attributes?.ApproximateNumberOfMessages === '0' &&
    Attributes?.ApproximateNumberOfMessagesNotVisible === '0'
  );
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface Delivery {
  body: string;
  receiveCount: string;
  messageId: string;
  receiptHandle: string;
}

function poller(
  queue: { url: string; arn: string },
  duplicateDeliveryRate: number,
  handle: (records: SQSRecord[]) => unknown = () => ({}),
): { running: SqsPoller; deliveries: Delivery[] } {
  const deliveries: Delivery[] = [];
  const running = startSqsPoller({
    sqs,
    queueUrl: queue.url,
    queueArn: queue.arn,
    region: LOCAL_REGION,
    functionName: 'test',
    batchSize: 10,
    reportBatchItemFailures: true,
    duplicateDeliveryRate,
    invoke: async (event: SQSEvent): Promise<Invocation> => {
      for (const r of event.Records) {
        deliveries.push({
          body: r.body,
          receiveCount: r.attributes.ApproximateReceiveCount,
          messageId: r.messageId,
          receiptHandle: r.receiptHandle,
        });
      }
      return { ok: true, value: handle(event.Records), durationMs: 0 };
    },
  });
  return { running, deliveries };
}

const countsOf = (deliveries: Delivery[], body: string) =>
  deliveries.filter((d) => d.body === body).map((d) => d.receiveCount);

describe('duplicateDeliveryRate of the local SQS event source mapping', () => {
  it('delivers every handled message of a standard queue exactly twice at rate 1, then deletes it', async () => {
    const queue = await createQueue(false);
    const { running, deliveries } = poller(queue, 1);
    for (const body of ['a', 'b', 'c']) await send(queue.url, body);
    await waitFor(() => deliveries.length >= 6, 15_000);
    await waitFor(() => queueIsEmpty(queue.url), 10_000);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // a third delivery would show up by now
    await running.stop();
    for (const body of ['a', 'b', 'c']) expect(countsOf(deliveries, body)).toEqual(['1', '2']);
    const [first, second] = deliveries.filter((d) => d.body === 'a');
    expect(second?.messageId).toBe(first?.messageId);
    expect(second?.receiptHandle).not.toBe(first?.receiptHandle);
    expect(running.stats).toMatchObject({ records: 6, failedRecords: 0, redeliveredRecords: 3 });
  });

  it('redelivers a FIFO group’s messages in order, and a failed record is retried, not duplicated', async () => {
    const queue = await createQueue(true);
    // All three wait on the queue before the first receive, so that they come in one batch.
    for (const body of ['g-1', 'g-2', 'g-3']) await send(queue.url, body, 'g');
    let failedOnce = false;
    const { running, deliveries } = poller(queue, 1, (records) => {
      const failing = records.filter((r) => r.body === 'g-2' && !failedOnce);
      if (failing.length > 0) failedOnce = true;
      // Like Powertools' FIFO processor: the failed record and what follows it in its group fail.
      const at = records.findIndex((r) => failing.includes(r));
      return {
        batchItemFailures: at < 0 ? [] : records.slice(at).map((r) => ({ itemIdentifier: r.messageId })),
      };
    });
    await waitFor(() => deliveries.length >= 7, 20_000);
    await waitFor(() => queueIsEmpty(queue.url), 10_000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await running.stop();
    expect(countsOf(deliveries, 'g-1')).toEqual(['1', '2']);
    // g-2: failed (1), handled and left for a duplicate (2), the duplicate (3).
    expect(countsOf(deliveries, 'g-2')).toEqual(['1', '2', '3']);
    expect(countsOf(deliveries, 'g-3')).toEqual(['1', '2', '3']);
    const order = deliveries.filter((d) => d.receiveCount === '2').map((d) => d.body);
    expect(order.filter((b) => b !== 'g-1')).toEqual(['g-2', 'g-3']);
    expect(running.stats.redeliveredRecords).toBe(3);
  });

  it('stops duplicating once the rate is set to 0 while running', async () => {
    const queue = await createQueue(false);
    const { running, deliveries } = poller(queue, 1);
    running.setDuplicateDeliveryRate(0);
    for (const body of ['x', 'y']) await send(queue.url, body);
    await waitFor(() => deliveries.length >= 2, 15_000);
    await waitFor(() => queueIsEmpty(queue.url), 10_000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await running.stop();
    expect(countsOf(deliveries, 'x')).toEqual(['1']);
    expect(countsOf(deliveries, 'y')).toEqual(['1']);
    expect(running.stats.redeliveredRecords).toBe(0);
  });

  it('refuses a rate outside [0, 1]', () => {
    expect(checkRate('duplicateDeliveryRate', 0.25)).toBe(0.25);
    for (const bad of [-0.1, 1.5, Number.NaN]) {
      expect(() => checkRate('duplicateDeliveryRate', bad)).toThrow(InvalidFaultRateError);
    }
    const queue = { url: 'http://127.0.0.1:1/q', arn: 'arn:aws:sqs:us-east-1:000000000000:q' };
    expect(() => poller(queue, 2)).toThrow(/duplicateDeliveryRate must be a number in \[0, 1\]/);
  });
});
