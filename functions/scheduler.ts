import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import * as z from 'zod/mini';
import { DynamoScheduleIndex } from '../lib/adapters/dynamo-schedule-index.ts';
import { SqsCampaignDueQueue } from '../lib/adapters/sqs-queues.ts';
import { queueDueCampaigns } from '../lib/app/scheduler.ts';
import { TableEnv } from '../lib/runtime/common-env.ts';
import { extendEnv, parseEnv } from '../lib/runtime/env.ts';
import { createLogger, createMetrics } from '../lib/runtime/observability.ts';

const env = parseEnv(extendEnv(TableEnv, { CAMPAIGNS_DUE_QUEUE_URL: z.url() }));
const logger = createLogger();
const metrics = createMetrics();
const deps = {
  index: new DynamoScheduleIndex(new DynamoDBClient({}), env.TABLE_NAME),
  queue: new SqsCampaignDueQueue(new SQSClient({}), env.CAMPAIGNS_DUE_QUEUE_URL),
  clock: { now: () => new Date() },
};

/** EventBridge, every minute at second 0: queue the campaigns that are due, one message each. */
async function tick() {
  const result = await queueDueCampaigns(deps);
  metrics.addMetric('CampaignsDue', MetricUnit.Count, result.due);
  logger.info('scheduler tick', { ...result });
  return result;
}

export const handler = middy(tick)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
