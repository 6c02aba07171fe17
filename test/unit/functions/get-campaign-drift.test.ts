// GET /campaigns/{campaignId}/drift end to end: fake table behind the mocked DocumentClient, credentials from the
// mocked Secrets Manager, the CXone sandbox over HTTP. Reads only: CXone sees GETs, the table no write.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  DynamoDBDocumentClient,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type CxoneSandbox,
  type RequestLogEntry,
  SANDBOX_CREDENTIALS,
  SANDBOX_TENANT_ID,
  startCxoneSandbox,
} from '../../../infra/local/cxone-sandbox/server.ts';
import { FakeDynamoTable } from '../../support/fake-dynamodb-table.ts';
import { CAMPAIGN_ID, MORNING, POLICY, SKILL_ID, submission } from '../../support/fixtures.ts';
import { coldStart, httpResult, TABLE_NAME } from '../../support/handler-env.ts';
import { httpEvent, lambdaContext } from '../../support/lambda-events.ts';
import { seedPolicies } from '../../support/policy-items.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const secrets = mockClient(SecretsManagerClient);
let table: FakeDynamoTable;
let sandbox: CxoneSandbox;

beforeAll(async () => {
  sandbox = await startCxoneSandbox({
    port: 0,
    agentCount: 10,
    skills: [{ skillId: SKILL_ID, campaignId: CAMPAIGN_ID }],
  });
});

afterAll(async () => {
  await sandbox.close();
  ddb.restore();
  secrets.restore();
});

beforeEach(() => {
  sandbox.reset();
  ddb.reset();
  secrets.reset();
  table = new FakeDynamoTable();
  table.install(ddb);
  seedPolicies(table, [POLICY]);
  // Local-only sandbox credentials (published on purpose), pointing the client at the sandbox.
  secrets.on(GetSecretValueCommand, { SecretId: 'cxone/credentials' }).resolves({
    SecretString: JSON.stringify({
      ...SANDBOX_CREDENTIALS,
      issuer: sandbox.url,
      tenantId: SANDBOX_TENANT_ID,
    }),
  });
});

async function loadHandler() {
  coldStart({
    TABLE_NAME,
    CXONE_SECRET_ID: 'cxone/credentials',
    CXONE_RATE_LIMIT_PER_SECOND: '1000',
    CXONE_RATE_BUDGET: 'per-instance',
  });
  const { handler } = await import('../../../functions/get-campaign-drift.ts');
  return async (campaignId: string, remainingMs = 20_000) =>
    httpResult(
      await handler(
        httpEvent({
          method: 'GET',
          routeKey: 'GET /campaigns/{campaignId}/drift',
          path: `/campaigns/${campaignId}/drift`,
          pathParameters: { campaignId },
        }),
        lambdaContext(remainingMs),
      ),
    );
}

function seedDesiredState() {
  table.seed({
    pk: `CAMPAIGN#${CAMPAIGN_ID}`,
    sk: 'S',
    campaignId: CAMPAIGN_ID,
    latestAssignmentId: 'asg-1',
    desired: submission(2),
    submittedAt: MORNING.toISOString(),
    managedAgents: ['agent-uuid-001', 'agent-uuid-002'],
    sequence: 0,
  });
}

const tableWrites = () =>
  ddb.commandCalls(PutCommand).length +
  ddb.commandCalls(UpdateCommand).length +
  ddb.commandCalls(TransactWriteCommand).length;

describe('GET /campaigns/{campaignId}/drift', () => {
  it('answers 200 with the differences of the skill, read live, and writes nothing anywhere', async () => {
    seedDesiredState();
    const get = await loadHandler();
    const { statusCode, body } = await get(CAMPAIGN_ID);
    expect(statusCode).toBe(200);
    // Nothing is on the skill: both planned agents are missing, whatever the plan for the time of day.
    expect(body).toMatchObject({
      campaignId: CAMPAIGN_ID,
      inSync: false,
      hiddenAgents: 0,
      differences: [
        { userId: 'agent-uuid-001', kind: 'missing' },
        { userId: 'agent-uuid-002', kind: 'missing' },
      ],
    });
    const requests = (await (await fetch(`${sandbox.url}/sandbox/requests`)).json()) as RequestLogEntry[];
    const api = requests.filter((entry) => entry.path.includes('/inContactAPI/'));
    expect(api.map((entry) => entry.method)).toEqual(['GET']);
    expect(tableWrites()).toBe(0);
  });

  it('answers 404 for an unknown campaign and for one without a desired state, without asking CXone', async () => {
    const get = await loadHandler();
    expect((await get('no-such-campaign')).statusCode).toBe(404);
    expect((await get(CAMPAIGN_ID)).statusCode).toBe(404);
    const requests = (await (await fetch(`${sandbox.url}/sandbox/requests`)).json()) as RequestLogEntry[];
    expect(requests).toEqual([]);
  });

  it('answers 503 with CXone’s Retry-After when CXone asks to come back later than the request can wait', async () => {
    seedDesiredState();
    await fetch(`${sandbox.url}/sandbox/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rate429: 1, retryAfterSeconds: 45 }),
    });
    const get = await loadHandler();
    const { statusCode, headers } = await get(CAMPAIGN_ID, 5_000);
    expect(statusCode).toBe(503);
    expect(headers?.['retry-after']).toBe('45');
    expect(tableWrites()).toBe(0);
  });
});
