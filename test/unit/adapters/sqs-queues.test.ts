import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  QueueSendError,
  SqsDeadLetterQueue,
  SqsDispatchQueue,
  SqsWfmDeliveryQueue,
  SqsWfmEventQueue,
} from '../../../lib/adapters/sqs-queues.ts';
import { buildAgentEvent, buildAssignmentEvent, type WfmEvent } from '../../../lib/wfm/cloudevents.ts';
import { CAMPAIGN_ID, MORNING } from '../../support/fixtures.ts';

const sqs = mockClient(SQSClient);
const client = () => new SQSClient({ region: 'us-east-1' });
const DISPATCH_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/dispatch.fifo';
const WFM_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/wfm-events';

const applied = buildAssignmentEvent({
  assignmentId: 'asg-1',
  campaignId: CAMPAIGN_ID,
  status: 'applied',
  time: MORNING,
});
const agentAdded = (n: number): WfmEvent =>
  buildAgentEvent({
    assignmentId: 'asg-1',
    campaignId: CAMPAIGN_ID,
    status: 'applied',
    change: 'added',
    userId: `agent-${n}`,
    sequence: n,
    time: MORNING,
  });

beforeEach(() => sqs.reset());

describe('SqsDispatchQueue', () => {
  it('sends to the FIFO queue with the campaign as message group and the assignment as deduplication id', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
    const message = {
      assignmentId: 'asg-1',
      campaignId: CAMPAIGN_ID,
      kind: 'submission' as const,
      enqueuedAt: MORNING.toISOString(),
    };
    await new SqsDispatchQueue(client(), DISPATCH_URL).send(message);
    const calls = sqs.commandCalls(SendMessageCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      QueueUrl: DISPATCH_URL,
      MessageBody: JSON.stringify(message),
      MessageGroupId: CAMPAIGN_ID,
      MessageDeduplicationId: 'asg-1',
    });
  });

  it('lets a send failure through (the caller answers 500, the retry takes over)', async () => {
    sqs.on(SendMessageCommand).rejects(new Error('unavailable'));
    await expect(
      new SqsDispatchQueue(client(), DISPATCH_URL).send({
        assignmentId: 'a',
        campaignId: 'c',
        kind: 'rebalance',
        enqueuedAt: MORNING.toISOString(),
      }),
    ).rejects.toThrow('unavailable');
  });
});

describe('SqsWfmEventQueue', () => {
  it('queues one fan-out message per event (the delivery function finds the endpoints)', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    await new SqsWfmEventQueue(client(), WFM_URL).sendAll([agentAdded(1), applied]);

    const calls = sqs.commandCalls(SendMessageBatchCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    expect(input?.QueueUrl).toBe(WFM_URL);
    expect(input?.Entries?.map((entry) => entry.Id)).toEqual(['0', '1']);
    expect(input?.Entries?.map((entry) => JSON.parse(entry.MessageBody ?? ''))).toEqual([
      { event: agentAdded(1) },
      { event: applied },
    ]);
  });

  it('sends in batches of at most 10 entries', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const events = Array.from({ length: 12 }, (_, i) => agentAdded(i + 1));
    await new SqsWfmEventQueue(client(), WFM_URL).sendAll(events);
    const sizes = sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input.Entries?.length);
    expect(sizes).toEqual([10, 2]);
  });

  it('sends nothing for no events', async () => {
    await new SqsWfmEventQueue(client(), WFM_URL).sendAll([]);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });

  it('throws QueueSendError when SQS refuses some entries, so the events stay pending', async () => {
    sqs.on(SendMessageBatchCommand).resolves({
      Successful: [],
      Failed: [{ Id: '0', Code: 'InternalError', SenderFault: false }],
    });
    const queue = new SqsWfmEventQueue(client(), WFM_URL);
    await expect(queue.sendAll([applied])).rejects.toThrow(QueueSendError);
    await expect(queue.sendAll([applied])).rejects.toThrow(/InternalError/);
  });
});

describe('SqsWfmDeliveryQueue and SqsDeadLetterQueue', () => {
  it('queues one message per (event, endpoint), ten per batch', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const messages = Array.from({ length: 11 }, (_, i) => ({ endpoint: `wfm-${i}`, event: applied }));
    await new SqsWfmDeliveryQueue(client(), WFM_URL).send([
      ...messages,
      { endpointId: 'ep_0193c2a1f0b24c7d9e8f1a2b', event: applied, replay: true as const },
    ]);
    const entries = sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input.Entries ?? []);
    expect(entries.map((batch) => batch.length)).toEqual([10, 2]);
    expect(JSON.parse(entries[1]?.[1]?.MessageBody ?? '')).toEqual({
      endpointId: 'ep_0193c2a1f0b24c7d9e8f1a2b',
      event: applied,
      replay: true,
    });
  });

  it('moves a body to the dead-letter queue unchanged, with the reason as an attribute', async () => {
    sqs.on(SendMessageCommand).resolves({});
    await new SqsDeadLetterQueue(client(), `${WFM_URL}-dlq`).send(
      '{"endpoint":"wfm"}',
      'all 8 attempts failed',
    );
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input).toEqual({
      QueueUrl: `${WFM_URL}-dlq`,
      MessageBody: '{"endpoint":"wfm"}',
      MessageAttributes: { reason: { DataType: 'String', StringValue: 'all 8 attempts failed' } },
    });
  });
});
