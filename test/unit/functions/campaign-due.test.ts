import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { unpack } from '../../../lib/adapters/dynamo-packed.ts';
import { planActiveAgents, toSkillAssignments } from '../../../lib/domain/planner.ts';
import type { Submission } from '../../../lib/domain/schemas.ts';
import { FakeDynamoTable } from '../../support/fake-dynamodb-table.ts';
import { agent, CAMPAIGN_ID, MORNING, NOON, POLICY, queuedRecord } from '../../support/fixtures.ts';
import { coldStart, DISPATCH_QUEUE_URL, TABLE_NAME, WFM_QUEUE_URL } from '../../support/handler-env.ts';
import { lambdaContext, sqsEvent } from '../../support/lambda-events.ts';
import { seedPolicies } from '../../support/policy-items.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
let table: FakeDynamoTable;

/** agent-uuid-002's window opens at 12:00 New York time. */
const DESIRED: Submission = {
  agents: [
    agent('agent-uuid-001'),
    agent('agent-uuid-002', {
      availabilityWindow: { start: '12:00', end: '17:00', timezone: 'America/New_York' },
    }),
  ],
};

beforeEach(() => {
  ddb.reset();
  sqs.reset();
  table = new FakeDynamoTable();
  table.install(ddb);
  seedPolicies(table, [POLICY]);
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
  sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
});
afterEach(() => vi.useRealTimers());
afterAll(() => {
  ddb.restore();
  sqs.restore();
});

/** The campaign's latest assignment, applied, with what the plan at `appliedAt` put on CXone (none: never applied). */
function seedApplied(appliedAt?: Date) {
  seedDue(new Date(Date.now() - 1_000));
  const record = { ...queuedRecord('asg-1', DESIRED), status: 'applied' };
  table.seed({ pk: 'ASSIGNMENT#asg-1', sk: 'A', ...record });
  table.seed({
    pk: `CAMPAIGN#${CAMPAIGN_ID}`,
    sk: 'S',
    campaignId: CAMPAIGN_ID,
    latestAssignmentId: 'asg-1',
    desired: DESIRED,
    submittedAt: record.submittedAt,
    ...(appliedAt
      ? {
          lastApplied: {
            assignmentId: 'asg-1',
            assignments: toSkillAssignments(planActiveAgents(POLICY, DESIRED, appliedAt)),
            appliedAt: appliedAt.toISOString(),
          },
        }
      : {}),
  });
}

const CAMPAIGNS_DUE_QUEUE_URL =
  'https://sqs.us-east-1.amazonaws.com/123456789012/cxone-assignments-campaigns-due';

const HANDLER_ENV = {
  TABLE_NAME,
  DISPATCH_QUEUE_URL,
  CAMPAIGNS_DUE_QUEUE_URL,
  WFM_QUEUE_URL,
  CXONE_SECRET_ID: 'cxone/credentials',
  // The shared rate budget has its own tests (test/unit/cxone/shared-limiter.test.ts): here the local bucket.
  CXONE_RATE_BUDGET: 'per-instance',
};

/** The campaign's schedule item in the due index. */
function seedDue(dueAt: Date, lastDriftCheckAt = dueAt) {
  table.seed({
    pk: `CAMPAIGN#${CAMPAIGN_ID}`,
    sk: 'D',
    campaignId: CAMPAIGN_ID,
    dueShard: 'DUE#0',
    dueAt: dueAt.toISOString(),
    lastDriftCheckAt: lastDriftCheckAt.toISOString(),
  });
}

/** One scheduler tick at the fake clock's now, then the campaigns-due handler on every message it sent. */
async function runRebalance() {
  coldStart({ ...HANDLER_ENV });
  const scheduler = await import('../../../functions/scheduler.ts');
  const tick = (await scheduler.handler({}, lambdaContext())) as { due: number };
  const bodies = sqs
    .commandCalls(SendMessageBatchCommand)
    .flatMap((call) => call.args[0].input.Entries ?? [])
    .map((entry) => entry.MessageBody ?? '');
  const due = await import('../../../functions/campaign-due.ts');
  const response = await due.handler(
    sqsEvent(...bodies.map((body, i) => ({ messageId: `m-${i}`, body }))),
    lambdaContext(),
  );
  expect(response).toEqual({ batchItemFailures: [] });
  const enqueued = sqs.commandCalls(SendMessageCommand).length;
  return { campaigns: tick.due, enqueued };
}

describe('scheduler and campaigns-due handlers', () => {
  it('queues a rebalance dispatch for a campaign whose desired state is not on CXone', async () => {
    seedApplied();
    expect(await runRebalance()).toEqual({ campaigns: 1, enqueued: 1 });

    const sent = sqs.commandCalls(SendMessageCommand);
    expect(sent).toHaveLength(1);
    const input = sent[0]?.args[0].input;
    const body = JSON.parse(input?.MessageBody ?? '');
    expect(body).toMatchObject({ campaignId: CAMPAIGN_ID, kind: 'rebalance' });
    expect(input).toMatchObject({
      QueueUrl: DISPATCH_QUEUE_URL,
      MessageGroupId: CAMPAIGN_ID,
      MessageDeduplicationId: body.assignmentId,
    });
    expect(table.item(`ASSIGNMENT#${body.assignmentId}`, 'A')).toMatchObject({
      kind: 'rebalance',
      status: 'queued',
      enqueuedAt: expect.any(String),
    });
    expect(unpack(table.item(`ASSIGNMENT#${body.assignmentId}`, 'D')?.desired)).toEqual(DESIRED);
    expect(table.item(`CAMPAIGN#${CAMPAIGN_ID}`, 'S')?.latestAssignmentId).toBe(body.assignmentId);
  });

  it('queues a rebalance when an agent’s window has opened since the last apply', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOON);
    seedApplied(MORNING);
    expect(await runRebalance()).toEqual({ campaigns: 1, enqueued: 1 });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(1);
  });

  it('queues nothing while the plan for now matches what was last applied', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(MORNING.getTime() + 30 * 60_000));
    seedApplied(MORNING);
    expect(await runRebalance()).toEqual({ campaigns: 1, enqueued: 0 });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('queues nothing for a campaign without a desired state, and takes it out of the due index', async () => {
    seedDue(new Date(Date.now() - 1_000));
    expect(await runRebalance()).toEqual({ campaigns: 1, enqueued: 0 });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
    expect(table.item(`CAMPAIGN#${CAMPAIGN_ID}`, 'D')).toBeUndefined();
  });

  it('queues nothing at all while no campaign is due', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(MORNING);
    seedApplied(MORNING);
    seedDue(new Date('2026-03-10T16:00:00Z'), MORNING);
    expect(await runRebalance()).toEqual({ campaigns: 0, enqueued: 0 });
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });

  it('stores the next plan change as the campaign’s due instant, and leases it meanwhile', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-10T16:00:00Z'));
    seedApplied(MORNING);
    await runRebalance();
    // 12:00 New York: agent-uuid-002's window opened; the windows close at 17:00, but the drift check 15 minutes
    // after the last one (15:59, the minute the campaign was last handled) comes first.
    expect(table.item(`CAMPAIGN#${CAMPAIGN_ID}`, 'D')).toMatchObject({
      dueAt: '2026-03-10T16:14:00.000Z',
      dueShard: expect.stringMatching(/^DUE#[0-3]$/),
    });
  });

  it('fails only the record that cannot be handled; the others are handled', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOON);
    seedApplied(MORNING);
    coldStart({ ...HANDLER_ENV });
    const due = await import('../../../functions/campaign-due.ts');
    const good = JSON.stringify({ campaignId: CAMPAIGN_ID, dueAt: NOON.toISOString() });
    const response = await due.handler(
      sqsEvent({ messageId: 'bad', body: '{not json' }, { messageId: 'good', body: good }),
      lambdaContext(),
    );
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad' }] });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(1);
  });
});
