// The dispatcher end to end: SQS FIFO batch → DynamoDB (fake table behind the mocked DocumentClient) → the CXone
// sandbox over HTTP → WFM events on the (mocked) queue. Credentials come from the mocked Secrets Manager.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ChangeMessageVisibilityCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type CxoneSandbox,
  type RequestLogEntry,
  SANDBOX_CREDENTIALS,
  SANDBOX_TENANT_ID,
  startCxoneSandbox,
} from '../../../infra/local/cxone-sandbox/server.ts';
import { unpack } from '../../../lib/adapters/dynamo-packed.ts';
import type { AssignmentRecord } from '../../../lib/app/model.ts';
import type { FanOutMessage } from '../../../lib/app/webhook-model.ts';
import { CampaignPolicySchema } from '../../../lib/domain/schemas.ts';
import { FakeDynamoTable } from '../../support/fake-dynamodb-table.ts';
import {
  CAMPAIGN_ID,
  OTHER_CAMPAIGN_ID,
  OTHER_POLICY,
  OTHER_SKILL_ID,
  POLICY,
  queuedRecord,
  SKILL_ID,
  submission,
} from '../../support/fixtures.ts';
import { coldStart, DISPATCH_QUEUE_URL, TABLE_NAME, WFM_QUEUE_URL } from '../../support/handler-env.ts';
import { lambdaContext, type SqsMessage, sqsEvent } from '../../support/lambda-events.ts';
import { seedPolicies } from '../../support/policy-items.ts';
import { printedLines } from '../../support/printed-lines.ts';

/** A configured campaign whose skill CXone does not know (404: a permanent refusal). */
const UNKNOWN_SKILL_CAMPAIGN_ID = 'campaign-unknown-skill';

const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
const secrets = mockClient(SecretsManagerClient);
let table: FakeDynamoTable;
let sandbox: CxoneSandbox;
const unknownSkill = CampaignPolicySchema.parse({
  ...POLICY,
  campaignId: UNKNOWN_SKILL_CAMPAIGN_ID,
  cxoneSkillId: 4599999,
});

beforeAll(async () => {
  sandbox = await startCxoneSandbox({
    port: 0,
    agentCount: 10,
    skills: [
      { skillId: SKILL_ID, campaignId: CAMPAIGN_ID },
      { skillId: OTHER_SKILL_ID, campaignId: OTHER_CAMPAIGN_ID },
    ],
  });
});

afterAll(async () => {
  await sandbox.close();
  ddb.restore();
  sqs.restore();
  secrets.restore();
});

beforeEach(() => {
  sandbox.reset();
  ddb.reset();
  sqs.reset();
  secrets.reset();
  table = new FakeDynamoTable();
  table.install(ddb);
  seedPolicies(table, [POLICY, OTHER_POLICY, unknownSkill]);
  sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
  sqs.on(ChangeMessageVisibilityCommand).resolves({});
  // Local-only sandbox credentials (published on purpose), pointing the client at the sandbox.
  secrets.on(GetSecretValueCommand, { SecretId: 'cxone/credentials' }).resolves({
    SecretString: JSON.stringify({
      ...SANDBOX_CREDENTIALS,
      issuer: sandbox.url,
      tenantId: SANDBOX_TENANT_ID,
    }),
  });
});

async function loadHandler(env: Record<string, string> = {}) {
  coldStart({
    ...env,
    TABLE_NAME,
    DISPATCH_QUEUE_URL,
    WFM_QUEUE_URL,
    DISPATCH_MAX_RECEIVE_COUNT: '5',
    CXONE_SECRET_ID: 'cxone/credentials',
    // The client's own limit (default 10/s, evenly spaced) would only slow the tests down.
    CXONE_RATE_LIMIT_PER_SECOND: '1000',
    // The shared rate budget has its own tests (test/unit/cxone/shared-limiter.test.ts): here the local bucket.
    CXONE_RATE_BUDGET: 'per-instance',
  });
  const { handler } = await import('../../../functions/dispatch-assignments.ts');
  return async (messages: SqsMessage[], remainingMs = 60_000) =>
    (await handler(sqsEvent(...messages), lambdaContext(remainingMs))) as SQSBatchResponse;
}

/** Stores a queued assignment as its campaign's latest desired state, as the submit handler would. */
function submitted(assignmentId: string, campaignId = CAMPAIGN_ID): AssignmentRecord {
  const record = queuedRecord(assignmentId, submission(2), { campaignId, submittedAt: new Date() });
  table.seed({ pk: `ASSIGNMENT#${assignmentId}`, sk: 'A', ...record });
  table.seed({
    pk: `CAMPAIGN#${campaignId}`,
    sk: 'S',
    campaignId,
    latestAssignmentId: assignmentId,
    desired: record.desired,
    submittedAt: record.submittedAt,
  });
  return record;
}

function message(assignmentId: string, campaignId = CAMPAIGN_ID, receiveCount = 1): SqsMessage {
  return {
    messageId: `msg-${assignmentId}`,
    groupId: campaignId,
    receiveCount,
    body: JSON.stringify({
      assignmentId,
      campaignId,
      kind: 'submission',
      enqueuedAt: new Date().toISOString(),
    }),
  };
}

const statusOf = (assignmentId: string) => table.item(`ASSIGNMENT#${assignmentId}`, 'A')?.status;
const failures = (response: SQSBatchResponse) => response.batchItemFailures.map((f) => f.itemIdentifier);

async function sandboxJson<T>(path: string): Promise<T> {
  return (await (await fetch(`${sandbox.url}${path}`)).json()) as T;
}
async function setFaults(faults: Record<string, number>): Promise<void> {
  await fetch(`${sandbox.url}/sandbox/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  });
}
async function userIdsOnSkill(skillId: number): Promise<string[]> {
  const state = await sandboxJson<{ skills: Record<string, Array<{ userId: string }>> }>('/sandbox/state');
  return (state.skills[String(skillId)] ?? []).map((member) => member.userId).sort();
}
async function cxoneCallsFor(assignmentId: string): Promise<RequestLogEntry[]> {
  const requests = await sandboxJson<RequestLogEntry[]>('/sandbox/requests');
  return requests.filter((request) => request.correlationId === assignmentId);
}
function wfmMessages(): FanOutMessage[] {
  return sqs
    .commandCalls(SendMessageBatchCommand)
    .flatMap((call) => call.args[0].input.Entries ?? [])
    .map((entry) => JSON.parse(entry.MessageBody ?? '') as FanOutMessage);
}
const visibilityChanges = () =>
  sqs.commandCalls(ChangeMessageVisibilityCommand).map((call) => call.args[0].input);

describe('dispatch-assignments handler', () => {
  it('applies a queued assignment to CXone, records it and queues its WFM events', async () => {
    const dispatch = await loadHandler();
    submitted('asg-a1');

    expect(await dispatch([message('asg-a1')])).toEqual({ batchItemFailures: [] });
    expect(table.item('ASSIGNMENT#asg-a1', 'A')).toMatchObject({
      status: 'applied',
      latencyMs: expect.any(Number),
    });
    expect(unpack(table.item('ASSIGNMENT#asg-a1', 'A')?.result)).toMatchObject({
      added: ['agent-uuid-001', 'agent-uuid-002'],
      failedAgents: [],
      verified: true,
    });
    expect(await userIdsOnSkill(SKILL_ID)).toEqual(['agent-uuid-001', 'agent-uuid-002']);
    expect((await cxoneCallsFor('asg-a1')).length).toBeGreaterThan(0);
    const queued = wfmMessages();
    // One message per event; the delivery function fans each out to the endpoints.
    expect(queued.map((m) => [Object.keys(m), m.event.type])).toEqual([
      [['event'], 'com.cxone-assignments.agent.added'],
      [['event'], 'com.cxone-assignments.agent.added'],
      [['event'], 'com.cxone-assignments.assignment.applied'],
    ]);
    expect(sqs.commandCalls(SendMessageBatchCommand)[0]?.args[0].input.QueueUrl).toBe(WFM_QUEUE_URL);
    expect(table.item('ASSIGNMENT#asg-a1', 'A')?.pendingEvents).toBeUndefined();
    expect(visibilityChanges()).toEqual([]);
  });

  it('reports only the failing campaign’s records when one campaign of the batch fails', async () => {
    const dispatch = await loadHandler();
    submitted('asg-a1', CAMPAIGN_ID);
    // asg-b1 is not in the table (yet): it fails, and asg-b2 of the same group must wait behind it.
    const b2 = submitted('asg-b2', OTHER_CAMPAIGN_ID);

    const response = await dispatch([
      message('asg-b1', OTHER_CAMPAIGN_ID),
      message('asg-a1', CAMPAIGN_ID),
      message(b2.assignmentId, OTHER_CAMPAIGN_ID),
    ]);

    expect(failures(response)).toEqual(['msg-asg-b1', 'msg-asg-b2']);
    expect(statusOf('asg-a1')).toBe('applied');
    expect(statusOf('asg-b2')).toBe('queued');
    expect(await userIdsOnSkill(OTHER_SKILL_ID)).toEqual([]);
    // The skipped asg-b2 comes back with its group's head, not after the queue's full visibility timeout.
    const changes = visibilityChanges();
    expect(changes.map((change) => change.ReceiptHandle)).toEqual([
      'receipt-msg-asg-b1-1',
      'receipt-msg-asg-b2-1',
    ]);
    expect(changes[1]?.VisibilityTimeout).toBe(changes[0]?.VisibilityTimeout);
    expect(changes[0]?.QueueUrl).toBe(DISPATCH_QUEUE_URL);
  });

  it('processes the redelivered record of a group that failed in the previous invocation (Powertools #3673)', async () => {
    const dispatch = await loadHandler();
    submitted('asg-a1', CAMPAIGN_ID);
    const first = await dispatch([message('asg-a1', CAMPAIGN_ID), message('asg-b1', OTHER_CAMPAIGN_ID)]);
    expect(failures(first)).toEqual(['msg-asg-b1']);

    // The submission lands; SQS redelivers the failed record to the same warm container.
    submitted('asg-b1', OTHER_CAMPAIGN_ID);
    const second = await dispatch([message('asg-b1', OTHER_CAMPAIGN_ID, 2)]);

    expect(second).toEqual({ batchItemFailures: [] });
    expect((await cxoneCallsFor('asg-b1')).length).toBeGreaterThan(0);
    expect(statusOf('asg-b1')).toBe('applied');
    expect(await userIdsOnSkill(OTHER_SKILL_ID)).toEqual(['agent-uuid-001', 'agent-uuid-002']);
  });

  it('reports a poison (non-JSON or malformed) record as a failure and processes the other groups', async () => {
    const dispatch = await loadHandler({ POWERTOOLS_LOG_LEVEL: 'INFO' });
    submitted('asg-a1', CAMPAIGN_ID);
    const { result: response, lines } = await printedLines(() =>
      dispatch([
        { messageId: 'poison-1', groupId: 'g-1', body: 'not json {' },
        { messageId: 'poison-2', groupId: 'g-2', body: JSON.stringify({ assignmentId: 42 }) },
        message('asg-a1', CAMPAIGN_ID),
      ]),
    );
    expect(failures(response)).toEqual(['poison-1', 'poison-2']);
    expect(statusOf('asg-a1')).toBe('applied');
    const retried = lines.filter((line) => line.message === 'dispatch will be retried');
    expect(retried.map((line) => (line.error as { message: string }).message)).toEqual([
      'SQS message poison-1 is unreadable (not JSON); it will end in the DLQ',
      expect.stringMatching(/^SQS message poison-2 is unreadable \(assignmentId: .*string/),
    ]);
  });

  it('delays the redelivery by CXone’s Retry-After when CXone asks to come back later', async () => {
    const dispatch = await loadHandler();
    submitted('asg-a1');
    await setFaults({ rate429: 1, retryAfterSeconds: 45 });

    // 20 s left: CXone's 45 s do not fit, so the message goes back to SQS with that delay.
    const response = await dispatch([message('asg-a1')], 20_000);

    expect(failures(response)).toEqual(['msg-asg-a1']);
    expect(visibilityChanges()).toEqual([
      { QueueUrl: DISPATCH_QUEUE_URL, ReceiptHandle: 'receipt-msg-asg-a1-1', VisibilityTimeout: 45 },
    ]);
    expect(statusOf('asg-a1')).toBe('dispatching');
    expect(wfmMessages()).toEqual([]);
  });

  it('on the last receive marks the assignment failed, sends assignment.failed and lets SQS move it to the DLQ', async () => {
    const dispatch = await loadHandler();
    submitted('asg-a1');
    await setFaults({ rate429: 1, retryAfterSeconds: 45 });

    const response = await dispatch([message('asg-a1', CAMPAIGN_ID, 5)], 20_000);

    expect(failures(response)).toEqual(['msg-asg-a1']);
    expect(table.item('ASSIGNMENT#asg-a1', 'A')).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/^Gave up after 5 attempts/),
    });
    expect(wfmMessages().map((m) => m.event.type)).toEqual(['com.cxone-assignments.assignment.failed']);
    expect(visibilityChanges()).toEqual([
      { QueueUrl: DISPATCH_QUEUE_URL, ReceiptHandle: 'receipt-msg-asg-a1-5', VisibilityTimeout: 0 },
    ]);
  });

  it('acknowledges a permanent CXone refusal as rejected', async () => {
    const dispatch = await loadHandler();
    submitted('asg-x1', UNKNOWN_SKILL_CAMPAIGN_ID);

    expect(await dispatch([message('asg-x1', UNKNOWN_SKILL_CAMPAIGN_ID)])).toEqual({ batchItemFailures: [] });
    expect(table.item('ASSIGNMENT#asg-x1', 'A')).toMatchObject({
      status: 'rejected',
      error: expect.stringMatching(/404/),
    });
    expect(wfmMessages().map((m) => m.event.type)).toEqual(['com.cxone-assignments.assignment.rejected']);
  });

  it('rejects on the first receive when the CXone secret is malformed, counts CxoneAuthFailures and logs an error', async () => {
    // A secret without the access key the admin target needs: no retry can fix that, an operator must.
    const { accessKeySecret: _omitted, ...partial } = SANDBOX_CREDENTIALS;
    secrets.on(GetSecretValueCommand, { SecretId: 'cxone/credentials' }).resolves({
      SecretString: JSON.stringify({ ...partial, issuer: sandbox.url, tenantId: SANDBOX_TENANT_ID }),
    });
    const dispatch = await loadHandler({
      POWERTOOLS_LOG_LEVEL: 'INFO',
      POWERTOOLS_METRICS_DISABLED: 'false',
    });
    submitted('asg-a1');

    const {
      result: response,
      text,
      lines,
    } = await printedLines(() => dispatch([message('asg-a1', CAMPAIGN_ID, 1)]));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(table.item('ASSIGNMENT#asg-a1', 'A')).toMatchObject({
      status: 'rejected',
      error: expect.stringMatching(
        /an operator must fix the secret: .*accessKeySecret \(missing or not a string\)/,
      ),
    });
    expect(wfmMessages().map((m) => m.event.type)).toEqual(['com.cxone-assignments.assignment.rejected']);
    expect(visibilityChanges()).toEqual([]);
    expect(await cxoneCallsFor('asg-a1')).toEqual([]);

    const metrics = lines.filter((line) => line._aws !== undefined);
    expect(metrics.map((line) => line.CxoneAuthFailures)).toEqual([1]);
    expect(metrics[0]).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Namespace: 'CxoneAssignments' }] },
      service: 'cxone-assignments',
    });
    const errors = lines.filter((line) => line.level === 'ERROR');
    expect(errors).toEqual([
      expect.objectContaining({
        audit: expect.objectContaining({
          action: 'cxone.auth_failed',
          assignmentId: 'asg-a1',
          malformedSecret: true,
        }),
      }),
    ]);
    for (const value of [SANDBOX_CREDENTIALS.clientSecret, SANDBOX_CREDENTIALS.accessKeyId]) {
      expect(text).not.toContain(value);
    }
  });

  it('treats a redelivered finished assignment as done without calling CXone again', async () => {
    const dispatch = await loadHandler();
    submitted('asg-a1');
    await dispatch([message('asg-a1')]);
    const calls = (await cxoneCallsFor('asg-a1')).length;

    expect(await dispatch([message('asg-a1', CAMPAIGN_ID, 2)])).toEqual({ batchItemFailures: [] });
    expect((await cxoneCallsFor('asg-a1')).length).toBe(calls);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(1);
  });
});
