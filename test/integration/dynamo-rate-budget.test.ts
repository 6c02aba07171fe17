// The SharedRateBudget contract on the DynamoDB adapter over moto, and two CXone-client limiters sharing it that
// never exceed the ceiling together.
import { CreateTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LOCAL_REGION, type MotoServer, startMoto } from '../../infra/local/moto.ts';
import { DynamoRateBudget } from '../../lib/adapters/dynamo-rate-budget.ts';
import { leaseSize } from '../../lib/cxone/rate-budget.ts';
import { SharedTenantLimiters } from '../../lib/cxone/shared-limiter.ts';
import { rateBudgetContract } from '../support/rate-budget-contract.ts';

let moto: MotoServer;
let dynamodb: DynamoDBClient;
let tables = 0;

beforeAll(async () => {
  moto = await startMoto();
  dynamodb = new DynamoDBClient({
    endpoint: moto.url,
    region: LOCAL_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}, 240_000);

afterAll(async () => {
  dynamodb?.destroy();
  await moto?.close();
});

/** A table keyed like infra/table.yml. */
async function createTable(): Promise<string> {
  const tableName = `rate-${++tables}`;
  await dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
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
  return tableName;
}

rateBudgetContract(
  'DynamoRateBudget over moto',
  async () => new DynamoRateBudget(dynamodb, await createTable()),
);

it('two instances sharing the budget never exceed the ceiling together', async () => {
  const tableName = await createTable();
  const ceiling = 20;
  const instance = () =>
    new SharedTenantLimiters({
      budget: new DynamoRateBudget(dynamodb, tableName),
      ceiling,
      instances: 2,
      now: Date.now,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    }).forTenant('https://auth.example|tenant-1');
  const limiters = [instance(), instance()];
  const sent: number[] = [];
  const until = Date.now() + 3000;
  await Promise.all(
    limiters.map(async (limiter) => {
      while (Date.now() < until) {
        await limiter.acquire();
        sent.push(Date.now());
      }
    }),
  );
  const first = Math.min(...sent);
  for (let from = first; from + 1000 <= Math.max(...sent); from += 50) {
    // Evenly spaced tokens: any second holds at most the ceiling, plus the stale tokens a claim may still take (one
    // lease: the catch-up after a late claim), the token at the window's edge and one a late timer pushed in.
    expect(sent.filter((at) => at >= from && at < from + 1000).length).toBeLessThanOrEqual(
      ceiling + leaseSize(ceiling, 2) + 2,
    );
  }
  expect(sent.length).toBeGreaterThanOrEqual(0.8 * ceiling * 3);
  // Each slot's counter, shared by both, stopped at the ceiling.
  const { Items = [] } = await dynamodb.send(new ScanCommand({ TableName: tableName }));
  const slots = Items.filter((item) => item.sk?.S?.startsWith('S#'));
  expect(slots.length).toBeGreaterThanOrEqual(3);
  for (const item of slots) expect(Number(item.used?.N)).toBeLessThanOrEqual(ceiling);
}, 30_000);
