import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeDynamoTable } from '../../support/fake-dynamodb-table.ts';
import { CAMPAIGN_ID, MORNING, queuedRecord } from '../../support/fixtures.ts';
import { coldStart, httpResult, TABLE_NAME } from '../../support/handler-env.ts';
import { httpEvent, lambdaContext } from '../../support/lambda-events.ts';

const ddb = mockClient(DynamoDBDocumentClient);
let table: FakeDynamoTable;

beforeEach(() => {
  ddb.reset();
  table = new FakeDynamoTable();
  table.install(ddb);
});
afterAll(() => ddb.restore());

async function loadHandler() {
  coldStart({ TABLE_NAME });
  const { handler } = await import('../../../functions/get-assignment.ts');
  return async (assignmentId: string) =>
    httpResult(
      await handler(
        httpEvent({
          method: 'GET',
          routeKey: 'GET /assignments/{assignmentId}',
          path: `/assignments/${assignmentId}`,
          pathParameters: { assignmentId },
        }),
        lambdaContext(),
      ),
    );
}

describe('GET /assignments/{assignmentId}', () => {
  it('answers 200 with the assignment’s public view', async () => {
    const record = {
      ...queuedRecord('asg-1'),
      status: 'applied',
      latencyMs: 1_800,
      result: { active: ['agent-uuid-001'], failedAgents: [] },
      pendingEvents: [],
    };
    table.seed({ pk: 'ASSIGNMENT#asg-1', sk: 'A', expiresAt: 123, ...record });
    const get = await loadHandler();
    const result = await get('asg-1');

    expect(result.statusCode).toBe(200);
    expect(result.headers['content-type']).toBe('application/json');
    expect(result.body).toEqual({
      assignmentId: 'asg-1',
      campaignId: CAMPAIGN_ID,
      kind: 'submission',
      status: 'applied',
      submittedAt: MORNING.toISOString(),
      updatedAt: MORNING.toISOString(),
      agentsRequested: 2,
      latencyMs: 1_800,
      result: { active: ['agent-uuid-001'], failedAgents: [] },
    });
  });

  it('answers 404 problem+json for an unknown assignment', async () => {
    const get = await loadHandler();
    const result = await get('asg-unknown');
    expect(result.statusCode).toBe(404);
    expect(result.headers['content-type']).toBe('application/problem+json');
    expect(result.body).toMatchObject({ status: 404, type: expect.stringMatching(/not-found$/) });
    expect(result.body.detail).toContain('asg-unknown');
  });

  it('answers 404 for an over-long id without reading the table', async () => {
    const get = await loadHandler();
    const result = await get('x'.repeat(500));
    expect(result.statusCode).toBe(404);
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('answers 500 problem+json when the table fails', async () => {
    const get = await loadHandler();
    ddb.on(GetCommand).rejects(new Error('throttled'));
    ddb.on(QueryCommand).rejects(new Error('throttled'));
    const result = await get('asg-1');
    expect(result.statusCode).toBe(500);
    expect(result.headers['content-type']).toBe('application/problem+json');
  });
});
