// The CXone client's tenant-wide rate budget for a Lambda function: the DynamoDB adapter on the service table, with
// the fallback (DynamoDB unreachable) logged and counted.
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoRateBudget } from '../adapters/dynamo-rate-budget.ts';
import type { SharedBudgetOptions } from '../cxone/client.ts';

export const CXONE_RATE_FALLBACK_METRIC = 'CxoneRateBudgetFallback';

export interface CxoneRateEnvValues {
  TABLE_NAME: string;
  CXONE_RATE_BUDGET: 'shared' | 'per-instance';
  CXONE_RATE_INSTANCES: number;
}

/** The shared budget for createCxoneClient, or undefined when the stage keeps the per-instance limit. */
export function cxoneRateBudget(
  dynamo: DynamoDBClient,
  env: CxoneRateEnvValues,
  logger: Logger,
  metrics?: Metrics,
): SharedBudgetOptions | undefined {
  if (env.CXONE_RATE_BUDGET === 'per-instance') return undefined;
  return {
    budget: new DynamoRateBudget(dynamo, env.TABLE_NAME),
    instances: env.CXONE_RATE_INSTANCES,
    onFallback: ({ error, fallbackRatePerSecond }) => {
      metrics?.addMetric(CXONE_RATE_FALLBACK_METRIC, MetricUnit.Count, 1);
      logger.error(
        'CXone rate budget unreachable: this instance uses its local share of the ceiling for 30 s',
        {
          error,
          fallbackRatePerSecond,
        },
      );
    },
  };
}
