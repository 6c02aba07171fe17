import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import { tablePolicies } from '../lib/adapters/cached-policies.ts';
import { createSecretsManagerCredentials } from '../lib/adapters/cxone-credentials.ts';
import { CxoneSkillReader } from '../lib/adapters/cxone-skill-reader.ts';
import { DynamoAssignmentStore } from '../lib/adapters/dynamo-assignment-store.ts';
import { DynamoScheduleIndex } from '../lib/adapters/dynamo-schedule-index.ts';
import { SqsDispatchQueue, SqsWfmEventQueue } from '../lib/adapters/sqs-queues.ts';
import { driftCheckWith, handleDueCampaign } from '../lib/app/campaign-due.ts';
import { CampaignDueMessageSchema } from '../lib/app/campaign-schedule.ts';
import { createCxoneClient } from '../lib/cxone/client.ts';
import { CxoneEnv, PoliciesEnv, TableEnv } from '../lib/runtime/common-env.ts';
import { cxoneRateBudget } from '../lib/runtime/cxone-rate.ts';
import { extendEnv, parseEnv } from '../lib/runtime/env.ts';
import { createLogger, createMetrics } from '../lib/runtime/observability.ts';
import { parseRecordBody } from '../lib/runtime/sqs-records.ts';

const env = parseEnv(
  extendEnv(TableEnv, {
    ...PoliciesEnv.shape,
    ...CxoneEnv.shape,
    DISPATCH_QUEUE_URL: z.url(),
    WFM_QUEUE_URL: z.url(),
  }),
);
const logger = createLogger();
const metrics = createMetrics();
const dynamo = new DynamoDBClient({});
const sqs = new SQSClient({});
const policies = tablePolicies(dynamo, env.TABLE_NAME, env.POLICY_CACHE_SECONDS);
const cxone = createCxoneClient({
  target: env.CXONE_TARGET,
  apiVersion: env.CXONE_API_VERSION,
  rateLimitPerSecond: env.CXONE_RATE_LIMIT_PER_SECOND,
  sharedBudget: cxoneRateBudget(dynamo, env, logger, metrics),
  credentials: createSecretsManagerCredentials({
    secretId: env.CXONE_SECRET_ID,
    target: env.CXONE_TARGET,
    maxAgeSeconds: env.SECRETS_MAX_AGE_SECONDS,
  }),
  onRetry: (retry) => logger.warn('CXone call retried', { retry }),
});
const store = new DynamoAssignmentStore(dynamo, env.TABLE_NAME);
const queue = new SqsDispatchQueue(sqs, env.DISPATCH_QUEUE_URL);
const clock = { now: () => new Date() };
const deps = {
  store,
  queue,
  clock,
  index: new DynamoScheduleIndex(dynamo, env.TABLE_NAME),
  policyFor: (campaignId: string) => policies.policyFor(campaignId),
  checkDrift: driftCheckWith({
    policies,
    store,
    queue,
    clock,
    skills: new CxoneSkillReader(cxone),
    wfm: new SqsWfmEventQueue(sqs, env.WFM_QUEUE_URL),
    observer: { audit: (entry) => logger.info('drift detected', { audit: entry }) },
  }),
};
const processor = new BatchProcessor(EventType.SQS);

/** One due campaign: a failure is this record's alone (retried by SQS, then the DLQ); the others go on. */
async function handleRecord(record: SQSRecord): Promise<void> {
  const message = parseRecordBody(record, CampaignDueMessageSchema);
  logger.appendKeys({ campaignId: message.campaignId });
  try {
    const outcome = await handleDueCampaign(deps, message);
    metrics.addMetric('CampaignsHandled', MetricUnit.Count, 1);
    if (
      outcome.drift === 'reported' ||
      outcome.drift === 'repair_queued' ||
      outcome.drift === 'repair_pending'
    )
      metrics.addMetric('CampaignsDrifted', MetricUnit.Count, 1);
    if (outcome.drift === 'repair_queued') metrics.addMetric('CampaignsRepaired', MetricUnit.Count, 1);
    if (outcome.rebalance?.action === 'enqueued') {
      logger.info('rebalance queued', {
        audit: { ...outcome.rebalance, action: 'campaign.rebalance_queued' },
      });
    }
    logger.info('campaign handled', {
      rebalance: outcome.rebalance?.action,
      drift: outcome.drift,
      schedule: outcome.schedule,
    });
  } catch (error) {
    logger.warn('campaign handling failed; SQS retries it', { error });
    throw error;
  } finally {
    logger.removeKeys(['campaignId']);
  }
}

async function handleBatch(event: SQSEvent, context: Context) {
  return processPartialResponse(event, handleRecord, processor, { context, throwOnFullBatchFailure: false });
}

export const handler = middy(handleBatch)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
