import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeDynamoTable } from '../../support/fake-dynamodb-table.ts';
import { CAMPAIGN_ID, MORNING, POLICY, queuedRecord, submission } from '../../support/fixtures.ts';
import { coldStart, httpResult, TABLE_NAME } from '../../support/handler-env.ts';
import { httpEvent, lambdaContext } from '../../support/lambda-events.ts';
import { seedPolicies } from '../../support/policy-items.ts';

const ddb = mockClient(DynamoDBDocumentClient);
let table: FakeDynamoTable;

beforeEach(() => {
  ddb.reset();
  table = new FakeDynamoTable();
  table.install(ddb);
  seedPolicies(table, [POLICY]);
});
afterAll(() => ddb.restore());

async function loadHandler() {
  coldStart({ TABLE_NAME });
  const { handler } = await import('../../../functions/get-campaign-agents.ts');
  return async (campaignId: string) =>
    httpResult(
      await handler(
        httpEvent({
          method: 'GET',
          routeKey: 'GET /campaigns/{campaignId}/agents',
          path: `/campaigns/${campaignId}/agents`,
          pathParameters: { campaignId },
        }),
        lambdaContext(),
      ),
    );
}

describe('GET /campaigns/{campaignId}/agents', () => {
  it('answers 200 with the desired state, the latest assignment, the last applied result and the foreign members', async () => {
    const foreignAgents = [{ userId: 'agent-uuid-150', isActive: true, proficiency: 12 }];
    const lastApplied = {
      assignmentId: 'asg-1',
      assignments: [
        { userId: 'agent-uuid-001', isActive: true, proficiency: 1 },
        { userId: 'agent-uuid-002', isActive: false, proficiency: 1 },
      ],
      foreignAgents,
      hiddenAgents: 0,
      appliedAt: MORNING.toISOString(),
    };
    table.seed({ pk: 'ASSIGNMENT#asg-1', sk: 'A', ...queuedRecord('asg-1'), status: 'applied' });
    table.seed({
      pk: `CAMPAIGN#${CAMPAIGN_ID}`,
      sk: 'S',
      campaignId: CAMPAIGN_ID,
      latestAssignmentId: 'asg-1',
      desired: submission(2),
      submittedAt: MORNING.toISOString(),
      lastApplied,
      sequence: 4,
    });
    const get = await loadHandler();
    const result = await get(CAMPAIGN_ID);

    expect(result.statusCode).toBe(200);
    expect(result.body).toEqual({
      campaignId: CAMPAIGN_ID,
      membership: 'managed',
      desired: submission(2),
      submittedAt: MORNING.toISOString(),
      latestAssignment: { assignmentId: 'asg-1', status: 'applied', updatedAt: MORNING.toISOString() },
      lastApplied,
      foreignAgents,
    });
  });

  it('answers 404 for a configured campaign without a desired state yet', async () => {
    const get = await loadHandler();
    const result = await get(CAMPAIGN_ID);
    expect(result.statusCode).toBe(404);
    expect(result.headers['content-type']).toBe('application/problem+json');
    expect(result.body.detail).toMatch(/no desired state/);
  });

  it('answers 404 for a campaign without a policy, reading its policy only', async () => {
    const get = await loadHandler();
    const result = await get('no-such-campaign');
    expect(result.statusCode).toBe(404);
    expect(result.body.detail).toMatch(/not configured/);
    expect(ddb.calls().map((call) => (call.args[0].input as { Key?: unknown }).Key)).toEqual([
      { pk: 'POLICIES', sk: 'no-such-campaign' },
    ]);
  });
});
