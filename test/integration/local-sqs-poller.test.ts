// The local event source mapping against a real moto server: partial batch failures, redrive to the DLQ after
// maxReceiveCount receives, FIFO group order, whole-batch failure and graceful stop.
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Invocation } from '../../infra/local/lambda-runtime.ts';
import { LOCAL_REGION, type MotoServer, startMoto } from '../../infra/local/moto.ts';
import { type SqsPoller, startSqsPoller } from '../../infra/local/sqs-poller.ts';

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

async function createQueue(options: { fifo: boolean; visibility: number; maxReceiveCount?: number }) {
  const suffix = options.fifo ? '.fifo' : '';
  const base = `q${++queueCounter}`;
  const fifoAttributes: Record<string, string> = options.fifo ? { FifoQueue: 'true' } : {};
  const arnOf = async (url: string) =>
    (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] })))
      .Attributes?.QueueArn as string;
  const dlqUrl = (
    await sqs.send(new CreateQueueCommand({ QueueName: `${base}-dlq${suffix}`, Attributes: fifoAttributes }))
  ).QueueUrl as string;
  const attributes: Record<string, string> = {
    ...fifoAttributes,
    VisibilityTimeout: String(options.visibility),
  };
  if (options.maxReceiveCount) {
    attributes.RedrivePolicy = JSON.stringify({
      deadLetterTargetArn: await arnOf(dlqUrl),
      maxReceiveCount: options.maxReceiveCount,
    });
  }
  const url = (
    await sqs.send(new CreateQueueCommand({ QueueName: `${base}${suffix}`, Attributes: attributes }))
  ).QueueUrl as string;
  return { url, arn: await arnOf(url), dlqUrl };
}

function send(url: string, body: string, group?: string) {
  return sqs.send(
    new SendMessageCommand({
      QueueUrl: url,
      MessageBody: body,
      MessageAttributes: { kind: { DataType: 'String', StringValue: 'test' } },
      ...(group && { MessageGroupId: group, MessageDeduplicationId: `${group}-${body}` }),
    }),
  );
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function drain(url: string): Promise<string[]> {
  const { Messages } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
  );
  return (Messages ?? []).map((m) => m.Body as string);
}

type Handler = (records: SQSRecord[]) => Promise<unknown> | unknown;

function poller(queue: { url: string; arn: string }, handler: Handler, concurrency = 1): SqsPoller {
  return startSqsPoller({
    sqs,
    queueUrl: queue.url,
    queueArn: queue.arn,
    region: LOCAL_REGION,
    functionName: 'test',
    batchSize: 10,
    reportBatchItemFailures: true,
    concurrency,
    invoke: async (event: SQSEvent): Promise<Invocation> => {
      try {
        return { ok: true, value: await handler(event.Records), durationMs: 0 };
      } catch (error) {
        return { ok: false, error: error as Error, durationMs: 0 };
      }
    },
  });
}

const failures = (records: SQSRecord[]) => ({
  batchItemFailures: records.map((r) => ({ itemIdentifier: r.messageId })),
});

describe('local SQS event source mapping on moto', () => {
  it('hands the handler Lambda-shaped records', async () => {
    const queue = await createQueue({ fifo: true, visibility: 5 });
    const seen: SQSRecord[] = [];
    const running = poller(queue, (records) => {
      seen.push(...records);
      return {};
    });
    await send(queue.url, 'hello', 'group-a');
    await waitFor(() => seen.length === 1, 10_000);
    await running.stop();
    const [record] = seen;
    expect(record).toMatchObject({
      body: 'hello',
      eventSource: 'aws:sqs',
      eventSourceARN: queue.arn,
      awsRegion: LOCAL_REGION,
      attributes: {
        ApproximateReceiveCount: '1',
        MessageGroupId: 'group-a',
        MessageDeduplicationId: 'group-a-hello',
      },
      messageAttributes: { kind: { stringValue: 'test', dataType: 'String', stringListValues: [] } },
    });
    expect(record?.md5OfBody).toMatch(/^[0-9a-f]{32}$/);
    expect(record?.attributes.SequenceNumber).toMatch(/^\d+$/);
    expect(Number(record?.attributes.SentTimestamp)).toBeGreaterThan(0);
  });

  it('deletes what succeeded and redelivers only what the batch response lists', async () => {
    const queue = await createQueue({ fifo: false, visibility: 1 });
    const deliveries: { body: string; count: string }[] = [];
    const running = poller(queue, (records) => {
      for (const r of records) deliveries.push({ body: r.body, count: r.attributes.ApproximateReceiveCount });
      return failures(
        records.filter((r) => r.body === 'bad' && r.attributes.ApproximateReceiveCount === '1'),
      );
    });
    for (const body of ['ok-1', 'bad', 'ok-2']) await send(queue.url, body);
    await waitFor(() => deliveries.some((d) => d.body === 'bad' && d.count === '2'), 15_000);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await running.stop();
    expect(deliveries.filter((d) => d.body === 'ok-1')).toHaveLength(1);
    expect(deliveries.filter((d) => d.body === 'ok-2')).toHaveLength(1);
    expect(deliveries.filter((d) => d.body === 'bad').map((d) => d.count)).toEqual(['1', '2']);
  });

  it('moto moves a message to the DLQ after maxReceiveCount receives', async () => {
    const queue = await createQueue({ fifo: true, visibility: 1, maxReceiveCount: 3 });
    const counts: string[] = [];
    const running = poller(queue, (records) => {
      counts.push(...records.map((r) => r.attributes.ApproximateReceiveCount));
      return failures(records);
    });
    await send(queue.url, 'poison', 'group-p');
    let inDlq: string[] = [];
    await waitFor(async () => {
      inDlq = await drain(queue.dlqUrl);
      return inDlq.length > 0;
    }, 20_000);
    await running.stop();
    expect(inDlq).toEqual(['poison']);
    expect(counts).toEqual(['1', '2', '3']);
  });

  it('fails the whole batch when the handler throws or answers with an unknown id', async () => {
    const queue = await createQueue({ fifo: false, visibility: 1 });
    const counts = new Map<string, string[]>();
    const running = poller(queue, (records) => {
      for (const r of records)
        counts.set(r.body, [...(counts.get(r.body) ?? []), r.attributes.ApproximateReceiveCount]);
      const first = records.find((r) => r.attributes.ApproximateReceiveCount === '1');
      if (first?.body === 'a') throw new Error('handler crashed');
      if (first) return { batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] };
      return {};
    });
    await send(queue.url, 'a');
    await send(queue.url, 'c');
    await waitFor(() => (counts.get('a')?.length ?? 0) >= 2 && (counts.get('c')?.length ?? 0) >= 2, 15_000);
    await running.stop();
    expect(counts.get('a')?.slice(0, 2)).toEqual(['1', '2']);
    expect(counts.get('c')?.slice(0, 2)).toEqual(['1', '2']);
  });

  it('keeps a FIFO group in order and never in two batches at once, across failures', async () => {
    const queue = await createQueue({ fifo: true, visibility: 1 });
    const processed: string[] = [];
    const inFlight = new Set<string>();
    let overlapped = false;
    let failedOnce = false;
    const running = poller(
      queue,
      async (records) => {
        const groups = new Set(records.map((r) => r.attributes.MessageGroupId as string));
        for (const group of groups) {
          if (inFlight.has(group)) overlapped = true;
          inFlight.add(group);
        }
        await new Promise((resolve) => setTimeout(resolve, 150));
        // Like Powertools' FIFO processor: after the first failure, that message and all later ones of its group fail.
        const failed: SQSRecord[] = [];
        for (const record of records) {
          const group = record.attributes.MessageGroupId;
          if (failed.some((f) => f.attributes.MessageGroupId === group)) failed.push(record);
          else if (record.body === 'g1-m1' && !failedOnce) {
            failedOnce = true;
            failed.push(record);
          } else processed.push(record.body);
        }
        for (const group of groups) inFlight.delete(group);
        return failures(failed);
      },
      2,
    );
    for (const body of ['g1-m0', 'g1-m1', 'g1-m2', 'g1-m3']) await send(queue.url, body, 'g1');
    await send(queue.url, 'g2-m0', 'g2');
    await waitFor(() => processed.length === 5, 20_000);
    await running.stop();
    expect(processed.filter((b) => b.startsWith('g1'))).toEqual(['g1-m0', 'g1-m1', 'g1-m2', 'g1-m3']);
    expect(processed).toContain('g2-m0');
    expect(overlapped).toBe(false);
  });

  it('finishes the batch in flight when stopped', async () => {
    const queue = await createQueue({ fifo: false, visibility: 30 });
    let started = false;
    let finished = false;
    const running = poller(queue, async () => {
      started = true;
      await new Promise((resolve) => setTimeout(resolve, 1000));
      finished = true;
      return {};
    });
    await send(queue.url, 'slow');
    await waitFor(() => started, 10_000);
    await running.stop();
    expect(finished).toBe(true);
    expect(running.stats).toMatchObject({ batches: 1, records: 1, failedRecords: 0 });
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ['All'] }),
    );
    expect(Attributes?.ApproximateNumberOfMessages).toBe('0');
    expect(Attributes?.ApproximateNumberOfMessagesNotVisible).toBe('0');
  });
});
