import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import * as z from 'zod';
import { tablePolicies } from '../lib/adapters/cached-policies.ts';
import { DynamoAssignmentStore } from '../lib/adapters/dynamo-assignment-store.ts';
import { SqsDispatchQueue } from '../lib/adapters/sqs-queues.ts';
import { rebalanceCampaigns } from '../lib/app/rebalance.ts';
import { PoliciesEnv, TableEnv } from '../lib/runtime/common-env.ts';
import { parseEnv } from '../lib/runtime/env.ts';
import { createLogger, createMetrics } from '../lib/runtime/observability.ts';

const env = parseEnv(TableEnv.extend(PoliciesEnv.shape).extend({ DISPATCH_QUEUE_URL: z.string().url() }));
const logger = createLogger();
const metrics = createMetrics();
const dynamo = new DynamoDBClient({});
const policies = tablePolicies(dynamo, env.TABLE_NAME, env.POLICY_CACHE_SECONDS);
const store = new DynamoAssignmentStore(dynamo, env.TABLE_NAME);
const queue = new SqsDispatchQueue(new SQSClient({}), env.DISPATCH_QUEUE_URL);

/** EventBridge schedule: re-plan every campaign of the policy table for now; queue a dispatch where it changed. */
async function rebalance() {
  const results = await rebalanceCampaigns({
    store,
    queue,
    policies: () => policies.all(),
    clock: { now: () => new Date() },
  });
  for (const result of results) {
    if (result.action === 'enqueued') {
      logger.info('rebalance queued', { audit: { ...result, action: 'campaign.rebalance_queued' } });
    }
  }
  const enqueued = results.filter((r) => r.action === 'enqueued').length;
  metrics.addMetric('RebalanceEnqueued', MetricUnit.Count, enqueued);
  logger.info('rebalance done', { campaigns: results.length, enqueued });
  return { campaigns: results.length, enqueued };
}

export const handler = middy(rebalance)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
