// `npm run policies:import` as an operator runs it after a first deploy, against moto: it writes the seed's policies
// as version 1 and, run again, keeps every policy that exists (also one changed through the API since).
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LOCAL_REGION,
  type MotoServer,
  PROJECT_ROOT,
  startMoto,
  withoutRealAws,
} from '../../infra/local/moto.ts';
import { DynamoPolicyStore } from '../../lib/adapters/dynamo-policy-store.ts';
import { POLICY, policyWith } from '../support/fixtures.ts';

const run = promisify(execFile);
const TABLE = 'cxone-assignments-seedtest-assignments';

let moto: MotoServer;
let dynamodb: DynamoDBClient;
let dir: string;

beforeAll(async () => {
  moto = await startMoto();
  dynamodb = new DynamoDBClient({
    endpoint: moto.url,
    region: LOCAL_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await dynamodb.send(
    new CreateTableCommand({
      TableName: TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );
  dir = await mkdtemp(join(tmpdir(), 'import-policies-'));
}, 240_000);

afterAll(async () => {
  dynamodb?.destroy();
  await moto?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function importPolicies(args: string[]) {
  return run(process.execPath, [join(PROJECT_ROOT, 'scripts', 'import-policies.ts'), ...args], {
    cwd: PROJECT_ROOT,
    env: {
      ...withoutRealAws(process.env),
      AWS_ENDPOINT_URL: moto.url,
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    },
  });
}

describe('npm run policies:import', () => {
  it('writes the seed into the stage’s table, then keeps what exists on a second run', async () => {
    const first = await importPolicies(['--stage', 'seedtest']);
    expect(first.stdout).toContain(`created  ${POLICY.campaignId}`);
    const store = new DynamoPolicyStore(dynamodb, TABLE);
    const stored = await store.getPolicy(POLICY.campaignId);
    expect(stored).toMatchObject({ version: 1, policy: POLICY });

    // A change made through the API meanwhile survives a second import.
    await store.replacePolicy(stored!, policyWith({ maxAgents: 3 }), new Date().toISOString());
    const second = await importPolicies(['--stage', 'seedtest']);
    expect(second.stdout).toContain(`kept     ${POLICY.campaignId}`);
    expect((await store.getPolicy(POLICY.campaignId))?.policy.maxAgents).toBe(3);
  }, 60_000);

  it('fails, naming the campaign, when another campaign holds a policy’s skill; refuses an invalid file', async () => {
    const clash = join(dir, 'clash.json');
    await writeFile(clash, JSON.stringify([policyWith({ campaignId: 'newcomer' })]));
    const refused = await importPolicies(['--table', TABLE, '--file', clash]).catch((error) => error);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `newcomer: skill ${POLICY.cxoneSkillId} belongs to ${POLICY.campaignId}`,
    );

    const invalid = join(dir, 'invalid.json');
    await writeFile(invalid, JSON.stringify([{ campaignId: 'x' }]));
    const bad = await importPolicies(['--table', TABLE, '--file', invalid]).catch((error) => error);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/Invalid campaign policies.*cxoneSkillId/);
    const usage = await importPolicies([]).catch((error) => error);
    expect(usage.code).toBe(2);
  }, 60_000);
});
