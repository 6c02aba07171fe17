// The SharedRateBudget contract on the DynamoDB adapter over moto, and two CXone-client limiters sharing it that
// never exceed the ceiling together.
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { expect, it } from 'vitest';
import { DynamoRateBudget } from '../../lib/adapters/dynamo-rate-budget.ts';
import { leaseSize } from '../../lib/cxone/rate-budget.ts';
import { SharedTenantLimiters } from '../../lib/cxone/shared-limiter.ts';
import { useMotoTables } from '../support/moto-tables.ts';
import { rateBudgetContract } from '../support/rate-budget-contract.ts';

const moto = useMotoTables('rate');
const createTable = () => moto.newTable();

rateBudgetContract(
  'DynamoRateBudget over moto',
  async () => new DynamoRateBudget(moto.dynamodb, await createTable()),
);

it('two instances sharing the budget never exceed the ceiling together', async () => {
  const tableName = await createTable();
  const ceiling = 20;
  const instance = () =>
    new SharedTenantLimiters({
      budget: new DynamoRateBudget(moto.dynamodb, tableName),
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
  const { Items = [] } = await moto.dynamodb.send(new ScanCommand({ TableName: tableName }));
  const slots = Items.filter((item) => item.sk?.S?.startsWith('S#'));
  expect(slots.length).toBeGreaterThanOrEqual(3);
  for (const item of slots) expect(Number(item.used?.N)).toBeLessThanOrEqual(ceiling);
}, 30_000);
