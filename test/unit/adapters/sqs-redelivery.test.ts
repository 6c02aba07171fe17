import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { delayRedelivery, SqsRedelivery } from '../../../lib/adapters/sqs-redelivery.ts';
import { sqsRecord } from '../../support/lambda-events.ts';

const sqs = mockClient(SQSClient);
const client = () => new SQSClient({ region: 'us-east-1' });
const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/dispatch.fifo';

const record = (messageId: string, groupId?: string) =>
  sqsRecord({ messageId, body: '{}', ...(groupId === undefined ? {} : { groupId }) });
const failed = (...ids: string[]) => ids.map((itemIdentifier) => ({ itemIdentifier }));
const visibilityChanges = () =>
  sqs.commandCalls(ChangeMessageVisibilityCommand).map((call) => call.args[0].input);

beforeEach(() => {
  sqs.reset();
  sqs.on(ChangeMessageVisibilityCommand).resolves({});
});

describe('delayRedelivery', () => {
  it.each([
    [42.2, 43],
    [0, 0],
    [-5, 0],
    [100_000, 43_200],
  ])('sets the visibility timeout for %s s to %s s', async (seconds, expected) => {
    await delayRedelivery(client(), QUEUE_URL, 'receipt-1', seconds);
    expect(visibilityChanges()).toEqual([
      { QueueUrl: QUEUE_URL, ReceiptHandle: 'receipt-1', VisibilityTimeout: expected },
    ]);
  });
});

describe('SqsRedelivery', () => {
  it('delays a failed record on its queue', async () => {
    const redelivery = new SqsRedelivery(client(), QUEUE_URL);
    await redelivery.delay(record('m-1', 'campaign-a'), 45);
    expect(visibilityChanges()).toEqual([
      { QueueUrl: QUEUE_URL, ReceiptHandle: 'receipt-m-1-1', VisibilityTimeout: 45 },
    ]);
  });

  it('gives the records skipped behind a failed group the delay chosen for that group', async () => {
    const redelivery = new SqsRedelivery(client(), QUEUE_URL);
    const batch = [
      record('a-1', 'campaign-a'),
      record('b-1', 'campaign-b'),
      record('a-2', 'campaign-a'),
      record('b-2', 'campaign-b'),
      record('a-3', 'campaign-a'),
    ];
    await redelivery.delay(batch[0]!, 45);
    await redelivery.delay(batch[1]!, 7);
    sqs.resetHistory();

    expect(await redelivery.delaySkipped(batch, failed('a-1', 'b-1', 'a-2', 'b-2', 'a-3'))).toEqual([]);

    expect(visibilityChanges()).toEqual([
      { QueueUrl: QUEUE_URL, ReceiptHandle: 'receipt-a-2-1', VisibilityTimeout: 45 },
      { QueueUrl: QUEUE_URL, ReceiptHandle: 'receipt-b-2-1', VisibilityTimeout: 7 },
      { QueueUrl: QUEUE_URL, ReceiptHandle: 'receipt-a-3-1', VisibilityTimeout: 45 },
    ]);
  });

  it('leaves alone records that succeeded, groups that did not fail and records without a group', async () => {
    const redelivery = new SqsRedelivery(client(), QUEUE_URL);
    const batch = [
      record('a-1', 'campaign-a'),
      record('a-2', 'campaign-a'),
      record('c-1', 'campaign-c'),
      record('plain-1'),
      record('plain-2'),
    ];
    await redelivery.delay(batch[0]!, 45);
    await redelivery.delay(batch[3]!, 9);
    sqs.resetHistory();

    // a-2 succeeded; c-1 failed without a delay of its group (poison, say); plain-2 has no group.
    await redelivery.delaySkipped(batch, failed('a-1', 'c-1', 'plain-1', 'plain-2'));

    expect(visibilityChanges()).toEqual([]);
  });

  it('remembers nothing across batches: a new batch has a new instance', async () => {
    const first = new SqsRedelivery(client(), QUEUE_URL);
    await first.delay(record('a-1', 'campaign-a'), 45);
    sqs.resetHistory();

    const next = new SqsRedelivery(client(), QUEUE_URL);
    await next.delaySkipped([record('a-2', 'campaign-a')], failed('a-2'));

    expect(visibilityChanges()).toEqual([]);
  });

  it('returns the skipped records whose delay could not be set and still delays the others', async () => {
    sqs
      .on(ChangeMessageVisibilityCommand, { ReceiptHandle: 'receipt-a-2-1' })
      .rejects(new Error('ReceiptHandleIsInvalid'));
    const redelivery = new SqsRedelivery(client(), QUEUE_URL);
    const batch = [record('a-1', 'campaign-a'), record('a-2', 'campaign-a'), record('a-3', 'campaign-a')];
    await redelivery.delay(batch[0]!, 30);

    const unset = await redelivery.delaySkipped(batch, failed('a-1', 'a-2', 'a-3'));

    expect(unset).toEqual([{ messageId: 'a-2', error: expect.any(Error) }]);
    expect(visibilityChanges().map((change) => change.ReceiptHandle)).toEqual([
      'receipt-a-1-1',
      'receipt-a-2-1',
      'receipt-a-3-1',
    ]);
  });
});
