import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { unpack } from '../../../lib/adapters/dynamo-packed.ts';
import { FakeDynamoTable } from '../../support/fake-dynamodb-table.ts';
import { agent, CAMPAIGN_ID, POLICY, submission } from '../../support/fixtures.ts';
import { coldStart, DISPATCH_QUEUE_URL, httpResult, TABLE_NAME } from '../../support/handler-env.ts';
import { httpEvent, lambdaContext } from '../../support/lambda-events.ts';
import { seedPolicies } from '../../support/policy-items.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
let table: FakeDynamoTable;

beforeEach(() => {
  ddb.reset();
  sqs.reset();
  table = new FakeDynamoTable();
  table.install(ddb);
  seedPolicies(table, [POLICY]);
  sqs.on(SendMessageCommand).resolves({ MessageId: 'message-1' });
});
afterAll(() => {
  ddb.restore();
  sqs.restore();
});

/** Table calls other than reading the campaign's policy. */
const callsBeyondThePolicy = () =>
  ddb.calls().filter((call) => (call.args[0].input as { Key?: { pk?: string } }).Key?.pk !== 'POLICIES');

async function loadHandler(env: Record<string, string> = {}) {
  coldStart({ TABLE_NAME, DISPATCH_QUEUE_URL, ...env });
  const { handler } = await import('../../../functions/submit-assignment.ts');
  return async (request: {
    campaignId?: string;
    body?: string;
    headers?: Record<string, string>;
    query?: Record<string, string>;
  }) => {
    const campaignId = request.campaignId ?? CAMPAIGN_ID;
    const event = httpEvent({
      method: 'PUT',
      routeKey: 'PUT /campaigns/{campaignId}/agents',
      path: `/campaigns/${campaignId}/agents`,
      pathParameters: { campaignId },
      headers: { 'content-type': 'application/json', ...request.headers },
      ...(request.query ? { query: request.query } : {}),
      ...(request.body === undefined ? {} : { body: request.body }),
    });
    return httpResult(await handler(event, lambdaContext()));
  };
}

const BODY = JSON.stringify(submission(2));

describe('PUT /campaigns/{campaignId}/agents', () => {
  it('answers 202 with Location, stores the assignment and queues it in the campaign’s FIFO group', async () => {
    const put = await loadHandler();
    const result = await put({ body: BODY });

    expect(result.statusCode).toBe(202);
    expect(result.headers['content-type']).toBe('application/json');
    const { assignmentId } = result.body;
    expect(result.body).toEqual({ assignmentId, campaignId: CAMPAIGN_ID, status: 'queued', agents: 2 });
    expect(result.headers.location).toBe(`/assignments/${assignmentId}`);

    const sent = sqs.commandCalls(SendMessageCommand);
    expect(sent).toHaveLength(1);
    const input = sent[0]?.args[0].input;
    expect(input).toMatchObject({
      QueueUrl: DISPATCH_QUEUE_URL,
      MessageGroupId: CAMPAIGN_ID,
      MessageDeduplicationId: assignmentId,
    });
    expect(JSON.parse(input?.MessageBody ?? '')).toMatchObject({
      assignmentId,
      campaignId: CAMPAIGN_ID,
      kind: 'submission',
    });
    expect(table.item(`ASSIGNMENT#${assignmentId}`, 'A')).toMatchObject({
      status: 'queued',
      agentsRequested: 2,
      enqueuedAt: expect.any(String),
    });
    expect(unpack(table.item(`ASSIGNMENT#${assignmentId}`, 'D')?.desired)).toEqual(submission(2));
    expect(table.item(`CAMPAIGN#${CAMPAIGN_ID}`, 'S')).toMatchObject({ latestAssignmentId: assignmentId });
  });

  it('replays the same Idempotency-Key and body as 200 with the same assignment and no second message', async () => {
    const put = await loadHandler();
    const first = await put({ body: BODY, headers: { 'idempotency-key': 'req-42' } });
    const again = await put({ body: BODY, headers: { 'idempotency-key': 'req-42' } });

    expect(first.statusCode).toBe(202);
    expect(again.statusCode).toBe(200);
    expect(again.body.assignmentId).toBe(first.body.assignmentId);
    expect(again.headers.location).toBe(`/assignments/${first.body.assignmentId}`);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(1);
  });

  it('answers 422 problem+json for the same Idempotency-Key with another body', async () => {
    const put = await loadHandler();
    await put({ body: BODY, headers: { 'idempotency-key': 'req-42' } });
    const result = await put({
      body: JSON.stringify(submission(1)),
      headers: { 'idempotency-key': 'req-42' },
    });
    expect(result.statusCode).toBe(422);
    expect(result.headers['content-type']).toBe('application/problem+json');
    expect(result.body.type).toMatch(/idempotency-key-reused$/);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(1);
  });

  it('answers 409 while the first request with the key has not finished queueing', async () => {
    const put = await loadHandler();
    sqs.on(SendMessageCommand).rejectsOnce(new Error('SQS unavailable'));
    const first = await put({ body: BODY, headers: { 'idempotency-key': 'req-42' } });
    expect(first.statusCode).toBe(500);
    expect(first.body).toMatchObject({ status: 500, type: expect.stringMatching(/internal$/) });
    expect(JSON.stringify(first.body)).not.toContain('SQS unavailable');

    const retry = await put({ body: BODY, headers: { 'idempotency-key': 'req-42' } });
    expect(retry.statusCode).toBe(409);
    expect(retry.headers['content-type']).toBe('application/problem+json');
    expect(retry.body.type).toMatch(/conflict$/);
  });

  it('answers 400 for malformed JSON before touching the table', async () => {
    const put = await loadHandler();
    const result = await put({ body: '{"agents": [' });
    expect(result.statusCode).toBe(400);
    expect(result.headers['content-type']).toBe('application/problem+json');
    expect(result.body).toMatchObject({ status: 400, title: 'Malformed JSON' });
    expect(ddb.calls()).toHaveLength(0);
  });

  it('answers 413 for a body over MAX_BODY_BYTES', async () => {
    const put = await loadHandler({ MAX_BODY_BYTES: '1024' });
    const big = JSON.stringify(submission(20));
    expect(Buffer.byteLength(big)).toBeGreaterThan(1024);
    const result = await put({ body: big });
    expect(result.statusCode).toBe(413);
    expect(result.body.detail).toContain('1024');
    expect(ddb.calls()).toHaveLength(0);
    expect(sqs.calls()).toHaveLength(0);
  });

  it('answers 413 over the 256 KiB default', async () => {
    const put = await loadHandler();
    const result = await put({ body: JSON.stringify({ agents: [], padding: 'x'.repeat(262_144) }) });
    expect(result.statusCode).toBe(413);
  });

  it('answers 415 for a body that is not declared as JSON', async () => {
    const put = await loadHandler();
    const result = await put({ body: BODY, headers: { 'content-type': 'text/plain' } });
    expect(result.statusCode).toBe(415);
    expect(result.body.type).toMatch(/unsupported-media-type$/);
    expect(ddb.calls()).toHaveLength(0);
  });

  it('answers 404 for a campaign without a policy', async () => {
    const put = await loadHandler();
    const result = await put({ campaignId: 'no-such-campaign', body: BODY });
    expect(result.statusCode).toBe(404);
    expect(result.headers['content-type']).toBe('application/problem+json');
    expect(result.body.type).toMatch(/\/not-found$/);
    expect(result.body.detail).toContain('no-such-campaign');
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('answers 422 with every field error and its path', async () => {
    const put = await loadHandler();
    const body = {
      agents: [
        agent('agent-uuid-001', {
          availabilityWindow: { start: '09:00', end: '17:00', timezone: 'Europe/Paris' },
        }),
        agent('agent-uuid-001', { maxConcurrentCalls: 0 }),
      ],
    };
    const result = await put({ body: JSON.stringify(body) });

    expect(result.statusCode).toBe(422);
    expect(result.headers['content-type']).toBe('application/problem+json');
    expect(result.body).toMatchObject({ type: expect.stringMatching(/validation-failed$/), status: 422 });
    expect(result.body.errors.map((e: { path: string }) => e.path)).toEqual([
      'agents[0].availabilityWindow.timezone',
      'agents[1].maxConcurrentCalls',
      'agents[1].userId',
    ]);
    for (const error of result.body.errors) {
      expect(error).toEqual({
        path: expect.any(String),
        code: expect.any(String),
        message: expect.any(String),
      });
    }
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('answers 200 with the plan for dryRun=true and stores or queues nothing', async () => {
    const put = await loadHandler();
    const result = await put({ body: BODY, query: { dryRun: 'true' } });
    expect(result.statusCode).toBe(200);
    expect(result.body.campaignId).toBe(CAMPAIGN_ID);
    expect(result.body.agents).toHaveLength(2);
    for (const plan of result.body.agents) {
      expect(Object.keys(plan).sort()).toEqual(
        ['active', 'capacityScore', 'overlapMinutes', 'proficiency', 'reason', 'userId'].sort(),
      );
    }
    expect(callsBeyondThePolicy()).toHaveLength(0);
    expect(sqs.calls()).toHaveLength(0);
  });

  it.each(['maybe', 'constructor', 'toString', '__proto__'])(
    'answers 400 bad-request for dryRun=%s',
    async (dryRun) => {
      const put = await loadHandler();
      const result = await put({ body: BODY, query: { dryRun } });
      expect(result.statusCode).toBe(400);
      expect(result.body.type).toMatch(/bad-request$/);
      expect(ddb.calls()).toHaveLength(0);
    },
  );

  it('takes dryRun=1 as a dry run and dryRun=false as a real submission', async () => {
    const put = await loadHandler();
    expect((await put({ body: BODY, query: { dryRun: '1' } })).statusCode).toBe(200);
    expect(sqs.calls()).toHaveLength(0);
    expect((await put({ body: BODY, query: { dryRun: 'false' } })).statusCode).toBe(202);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(1);
  });

  it('answers 400 bad-request for an invalid Idempotency-Key', async () => {
    const put = await loadHandler();
    const result = await put({ body: BODY, headers: { 'idempotency-key': 'has spaces in it' } });
    expect(result.statusCode).toBe(400);
    expect(result.body.type).toMatch(/bad-request$/);
    expect(callsBeyondThePolicy()).toHaveLength(0);
  });

  it('answers 500 without internals when the table fails', async () => {
    const put = await loadHandler();
    ddb.on(TransactWriteCommand).rejects(new Error('arn:aws:dynamodb:secret-table throttled'));
    const result = await put({ body: BODY });
    expect(result.statusCode).toBe(500);
    expect(JSON.stringify(result.body)).not.toContain('arn:aws');
    expect(sqs.calls()).toHaveLength(0);
  });
});
