import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoRateBudget } from '../../../lib/adapters/dynamo-rate-budget.ts';
import { CXONE_RATE_FALLBACK_METRIC, cxoneRateBudget } from '../../../lib/runtime/cxone-rate.ts';

const env = { TABLE_NAME: 'assignments-test', CXONE_RATE_INSTANCES: 5 } as const;
const dynamo = new DynamoDBClient({ region: 'us-east-1' });

describe('cxoneRateBudget', () => {
  it('shares the ceiling through the table by default, and not at all when the stage says per-instance', () => {
    const logger = { error: () => {} } as unknown as Logger;
    const shared = cxoneRateBudget(dynamo, { ...env, CXONE_RATE_BUDGET: 'shared' }, logger);
    expect(shared?.budget).toBeInstanceOf(DynamoRateBudget);
    expect(shared?.instances).toBe(5);
    expect(cxoneRateBudget(dynamo, { ...env, CXONE_RATE_BUDGET: 'per-instance' }, logger)).toBeUndefined();
  });

  it('logs and counts a fallback to the local share', () => {
    const logged: unknown[] = [];
    const counted: unknown[] = [];
    const logger = { error: (...args: unknown[]) => logged.push(args) } as unknown as Logger;
    const metrics = { addMetric: (...args: unknown[]) => counted.push(args) } as unknown as Metrics;
    const shared = cxoneRateBudget(dynamo, { ...env, CXONE_RATE_BUDGET: 'shared' }, logger, metrics);
    shared?.onFallback?.({ tenantKey: 't', error: new Error('timeout'), fallbackRatePerSecond: 10 });
    expect(counted).toEqual([[CXONE_RATE_FALLBACK_METRIC, 'Count', 1]]);
    expect(logged).toHaveLength(1);
    expect(JSON.stringify(logged)).not.toContain('"t"');
  });
});
