import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { CxoneConverger } from '../lib/adapters/cxone-converger.ts';
import { createSecretsManagerCredentials } from '../lib/adapters/cxone-credentials.ts';
import { DynamoAssignmentStore } from '../lib/adapters/dynamo-assignment-store.ts';
import { loadPolicyCatalog } from '../lib/adapters/policies-file.ts';
import { delayRedelivery, SqsWfmEventQueue } from '../lib/adapters/sqs-queues.ts';
import { type Delivery, dispatchAssignment } from '../lib/app/dispatch.ts';
import { RetryLaterError } from '../lib/app/errors.ts';
import { DispatchMessageSchema } from '../lib/app/messages.ts';
import { createCxoneClient } from '../lib/cxone/client.ts';
import { retryDelaySeconds } from '../lib/retry/redelivery.ts';
import { PoliciesEnv, positiveInt, TableEnv } from '../lib/runtime/common-env.ts';
import { dispatchObserver } from '../lib/runtime/dispatch-observer.ts';
import { parseEnv } from '../lib/runtime/env.ts';
import { createLogger, createMetrics } from '../lib/runtime/observability.ts';
import { WfmEndpointsEnvSchema } from '../lib/wfm/endpoints.ts';

const env = parseEnv(
  TableEnv.extend(PoliciesEnv.shape).extend({
    DISPATCH_QUEUE_URL: z.string().url(),
    WFM_QUEUE_URL: z.string().url(),
    WFM_ENDPOINTS: WfmEndpointsEnvSchema.default([]),
    DISPATCH_MAX_RECEIVE_COUNT: positiveInt(5),
    CXONE_SECRET_ID: z.string().min(1),
    CXONE_TARGET: z.enum(['admin', 'campaign-agents']).default('admin'),
    CXONE_API_VERSION: z
      .string()
      .regex(/^v\d+\.\d+$/)
      .default('v30.0'),
    CXONE_RATE_LIMIT_PER_SECOND: z.coerce.number().positive().default(10),
    SECRETS_MAX_AGE_SECONDS: positiveInt(300),
    DISPATCH_RETRY_BASE_SECONDS: positiveInt(5),
  }),
);
const logger = createLogger();
const metrics = createMetrics();
const policies = loadPolicyCatalog(env.CAMPAIGN_POLICIES_FILE);
const sqs = new SQSClient({});
const cxone = createCxoneClient({
  target: env.CXONE_TARGET,
  apiVersion: env.CXONE_API_VERSION,
  rateLimitPerSecond: env.CXONE_RATE_LIMIT_PER_SECOND,
  credentials: createSecretsManagerCredentials({
    secretId: env.CXONE_SECRET_ID,
    target: env.CXONE_TARGET,
    maxAgeSeconds: env.SECRETS_MAX_AGE_SECONDS,
  }),
  onRetry: (retry) => logger.warn('CXone call retried', { retry }),
});
const deps = {
  store: new DynamoAssignmentStore(new DynamoDBClient({}), env.TABLE_NAME),
  converger: new CxoneConverger(cxone),
  wfm: new SqsWfmEventQueue(sqs, env.WFM_QUEUE_URL, env.WFM_ENDPOINTS),
  policyFor: (campaignId: string) => policies.get(campaignId),
  clock: { now: () => new Date() },
  observer: dispatchObserver(logger, metrics),
};
const processor = new SqsFifoPartialProcessorAsync();

/** Time kept back from the invocation's remaining time for the status write after the CXone calls. */
const SAFETY_MARGIN_MS = 5_000;

export class PoisonMessageError extends Error {
  constructor(messageId: string, reason: string) {
    super(`Dispatch message ${messageId} is unreadable (${reason}); it will end in the DLQ`);
    this.name = 'PoisonMessageError';
  }
}

function deliveryOf(record: SQSRecord, context: Context): Delivery {
  return {
    receiveCount: Number(record.attributes.ApproximateReceiveCount),
    maxReceiveCount: env.DISPATCH_MAX_RECEIVE_COUNT,
    sentAt: Number(record.attributes.SentTimestamp),
    deadline: Date.now() + context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS,
  };
}

/**
 * When the failed message comes back: after CXone's Retry-After when it gave one (it may exceed this invocation's
 * time), else capped exponential backoff by receive count; right away after the last receive, so that SQS moves it
 * to the DLQ (its assignment is already marked failed).
 */
function redeliveryDelaySeconds(delivery: Delivery, retryAfterMs: number | undefined): number {
  if (delivery.receiveCount >= delivery.maxReceiveCount) return 0;
  return retryDelaySeconds(delivery.receiveCount, retryAfterMs, {
    baseSeconds: env.DISPATCH_RETRY_BASE_SECONDS,
    capSeconds: 300,
  });
}

/** Redelivery delay chosen for each failed message group of the current batch (see delaySkippedRecords). */
const groupDelays = new Map<string, { messageId: string; seconds: number }>();

async function dispatchRecord(record: SQSRecord, context: Context): Promise<void> {
  const delivery = deliveryOf(record, context);
  try {
    const message = parseDispatchMessage(record);
    logger.appendKeys({ assignmentId: message.assignmentId, campaignId: message.campaignId });
    const result = await dispatchAssignment(deps, message, delivery);
    logger.info('dispatch done', { outcome: result.outcome });
  } catch (error) {
    const retryAfterMs = error instanceof RetryLaterError ? error.retryAfterMs : undefined;
    const seconds = redeliveryDelaySeconds(delivery, retryAfterMs);
    groupDelays.set(record.attributes.MessageGroupId ?? record.messageId, {
      messageId: record.messageId,
      seconds,
    });
    await delayRedelivery(sqs, env.DISPATCH_QUEUE_URL, record.receiptHandle, seconds);
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

function parseDispatchMessage(record: SQSRecord) {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    throw new PoisonMessageError(record.messageId, 'not JSON');
  }
  const parsed = DispatchMessageSchema.safeParse(body);
  if (!parsed.success)
    throw new PoisonMessageError(record.messageId, parsed.error.issues[0]?.message ?? 'invalid');
  return parsed.data;
}

/**
 * The records skipped after their group failed stay in flight, and SQS holds a FIFO group until every message of it
 * is back: give them the same delay as the failed record, or the group would wait for the queue's full visibility
 * timeout whatever the delay chosen for its head.
 */
async function delaySkippedRecords(
  event: SQSEvent,
  failures: Array<{ itemIdentifier: string }>,
): Promise<void> {
  const failed = new Set(failures.map((f) => f.itemIdentifier));
  const skipped = event.Records.filter((record) => {
    const delay = groupDelays.get(record.attributes.MessageGroupId ?? record.messageId);
    return failed.has(record.messageId) && delay !== undefined && delay.messageId !== record.messageId;
  });
  await Promise.all(
    skipped.map((record) => {
      const delay = groupDelays.get(record.attributes.MessageGroupId ?? record.messageId)!;
      return delayRedelivery(sqs, env.DISPATCH_QUEUE_URL, record.receiptHandle, delay.seconds).catch(
        (error) => logger.warn('could not delay a skipped record', { error, messageId: record.messageId }),
      );
    }),
  );
}

async function dispatch(event: SQSEvent, context: Context) {
  groupDelays.clear();
  metrics.addMetric('DispatchRecords', MetricUnit.Count, event.Records.length);
  const response = await processPartialResponse(event, dispatchRecord, processor, {
    context,
    skipGroupOnError: true,
    throwOnFullBatchFailure: false,
  });
  await delaySkippedRecords(event, response.batchItemFailures);
  return response;
}

export const handler = middy(dispatch)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
