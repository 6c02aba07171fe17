import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import { tablePolicies } from '../lib/adapters/cached-policies.ts';
import { CxoneConverger } from '../lib/adapters/cxone-converger.ts';
import { createSecretsManagerCredentials } from '../lib/adapters/cxone-credentials.ts';
import { DynamoAssignmentStore } from '../lib/adapters/dynamo-assignment-store.ts';
import { DynamoScheduleIndex } from '../lib/adapters/dynamo-schedule-index.ts';
import { SqsWfmEventQueue } from '../lib/adapters/sqs-queues.ts';
import { SqsRedelivery } from '../lib/adapters/sqs-redelivery.ts';
import { rescheduleCampaign } from '../lib/app/campaign-schedule.ts';
import { type Delivery, dispatchAssignment } from '../lib/app/dispatch.ts';
import { RetryLaterError } from '../lib/app/errors.ts';
import { DispatchMessageSchema } from '../lib/app/messages.ts';
import { createCxoneClient } from '../lib/cxone/client.ts';
import { redeliveryDelaySeconds } from '../lib/retry/redelivery.ts';
import { CxoneEnv, PoliciesEnv, positiveInt, TableEnv } from '../lib/runtime/common-env.ts';
import { cxoneRateBudget } from '../lib/runtime/cxone-rate.ts';
import { cxoneAuthAlarm, dispatchObserver } from '../lib/runtime/dispatch-observer.ts';
import { extendEnv, parseEnv } from '../lib/runtime/env.ts';
import { createLogger, createMetrics } from '../lib/runtime/observability.ts';
import { parseRecordBody } from '../lib/runtime/sqs-records.ts';

const env = parseEnv(
  extendEnv(TableEnv, {
    ...PoliciesEnv.shape,
    DISPATCH_QUEUE_URL: z.url(),
    WFM_QUEUE_URL: z.url(),
    DISPATCH_MAX_RECEIVE_COUNT: positiveInt(5),
    DISPATCH_RETRY_BASE_SECONDS: positiveInt(5),
    ...CxoneEnv.shape,
  }),
);
const logger = createLogger();
const metrics = createMetrics();
const dynamo = new DynamoDBClient({});
const policies = tablePolicies(dynamo, env.TABLE_NAME, env.POLICY_CACHE_SECONDS);
const sqs = new SQSClient({});
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
const deps = {
  store: new DynamoAssignmentStore(dynamo, env.TABLE_NAME),
  converger: new CxoneConverger(cxone, { onAuthFailure: cxoneAuthAlarm(logger, metrics) }),
  wfm: new SqsWfmEventQueue(sqs, env.WFM_QUEUE_URL),
  policyFor: (campaignId: string, minVersion?: number) => policies.policyFor(campaignId, minVersion),
  clock: { now: () => new Date() },
  observer: dispatchObserver(logger, metrics),
};
/** After each dispatch the campaign's next due instant is stored (the plan it applied changes then). */
const scheduling = {
  index: new DynamoScheduleIndex(dynamo, env.TABLE_NAME),
  store: deps.store,
  policyFor: deps.policyFor,
  clock: deps.clock,
};
const processor = new SqsFifoPartialProcessorAsync();
/** Redelivery after a failure: CXone's Retry-After (it may exceed this invocation's time), else backoff to 5 min. */
const redeliveryPolicy = { baseSeconds: env.DISPATCH_RETRY_BASE_SECONDS, capSeconds: 300 };

/** Time kept back from the invocation's remaining time for the status write after the CXone calls. */
const SAFETY_MARGIN_MS = 5_000;

function deliveryOf(record: SQSRecord, context: Context): Delivery {
  return {
    receiveCount: Number(record.attributes.ApproximateReceiveCount),
    maxReceiveCount: env.DISPATCH_MAX_RECEIVE_COUNT,
    sentAt: Number(record.attributes.SentTimestamp),
    deadline: Date.now() + context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS,
  };
}

async function dispatchRecord(record: SQSRecord, context: Context, redelivery: SqsRedelivery): Promise<void> {
  const delivery = deliveryOf(record, context);
  try {
    const message = parseRecordBody(record, DispatchMessageSchema);
    logger.appendKeys({ assignmentId: message.assignmentId, campaignId: message.campaignId });
    const result = await dispatchAssignment(deps, message, delivery);
    const schedule = await rescheduleCampaign(scheduling, message.campaignId);
    // DEBUG: the audit line `assignment.<status>` already tells an operator the outcome.
    logger.debug('dispatch done', { outcome: result.outcome, schedule });
  } catch (error) {
    const retryAfterMs = error instanceof RetryLaterError ? error.retryAfterMs : undefined;
    // 0 after the last receive: SQS moves the message to the DLQ (its assignment is already marked failed).
    const seconds = redeliveryDelaySeconds(delivery, retryAfterMs, redeliveryPolicy);
    await redelivery.delay(record, seconds);
    logger.warn('dispatch will be retried', {
      error,
      receiveCount: delivery.receiveCount,
      delaySeconds: seconds,
    });
    throw error;
  } finally {
    logger.removeKeys(['assignmentId', 'campaignId']);
  }
}

async function dispatch(event: SQSEvent, context: Context) {
  metrics.addMetric('DispatchRecords', MetricUnit.Count, event.Records.length);
  const redelivery = new SqsRedelivery(sqs, env.DISPATCH_QUEUE_URL);
  const response = await processPartialResponse(
    event,
    (record: SQSRecord) => dispatchRecord(record, context, redelivery),
    processor,
    { context, skipGroupOnError: true, throwOnFullBatchFailure: false },
  );
  // A FIFO group is held until its skipped records are back too: they get their group's delay.
  for (const { messageId, error } of await redelivery.delaySkipped(
    event.Records,
    response.batchItemFailures,
  )) {
    logger.warn('could not delay a skipped record', { error, messageId });
  }
  return response;
}

export const handler = middy(dispatch)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
