import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { planActiveAgents, toSkillAssignments } from '../../../lib/domain/planner.ts';
import type { Submission } from '../../../lib/domain/schemas.ts';
import { FakeDynamoTable } from '../../support/fake-dynamodb-table.ts';
import { agent, CAMPAIGN_ID, MORNING, NOON, POLICY, queuedRecord } from '../../support/fixtures.ts';
import { coldStart, DISPATCH_QUEUE_URL, TABLE_NAME } from '../../support/handler-env.ts';
import { lambdaContext } from '../../support/lambda-events.ts';
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
});
afterEach(() => vi.useRealTimers());
afterAll(() => {
  ddb.restore();
  sqs.restore();
});

/** The campaign's latest assignment, applied, with what the plan at `appliedAt` put on CXone (none: never applied). */
function seedApplied(appliedAt?: Date) {
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

async function runRebalance() {
  coldStart({ TABLE_NAME, DISPATCH_QUEUE_URL });
  const { handler } = await import('../../../functions/rebalance.ts');
  return handler({}, lambdaContext());
}

describe('rebalance handler', () => {
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
      desired: DESIRED,
      enqueuedAt: expect.any(String),
    });
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

  it('queues nothing for a campaign without a desired state', async () => {
    expect(await runRebalance()).toEqual({ campaigns: 1, enqueued: 0 });
    expect(sqs.calls()).toHaveLength(0);
  });
});
