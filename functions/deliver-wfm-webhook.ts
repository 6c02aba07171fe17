import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { SqsRedelivery } from '../lib/adapters/sqs-redelivery.ts';
import { type WfmDeliveryMessage, WfmDeliveryMessageSchema } from '../lib/app/messages.ts';
import { retryDelaySeconds } from '../lib/retry/redelivery.ts';
import { positiveInt } from '../lib/runtime/common-env.ts';
import { parseEnv } from '../lib/runtime/env.ts';
import { createLogger, createMetrics } from '../lib/runtime/observability.ts';
import { parseRecordBody } from '../lib/runtime/sqs-records.ts';
import { DEFAULT_WEBHOOK_TIMEOUT_MS, deliverWebhook } from '../lib/wfm/deliver.ts';
import { WfmEndpointsEnvSchema } from '../lib/wfm/endpoints.ts';
import { signingSecretsOf, WfmSigningSecretSchema } from '../lib/wfm/signing.ts';

const env = parseEnv(
  z.object({
    WFM_QUEUE_URL: z.string().url(),
    WFM_SECRET_ID: z.string().min(1),
    WFM_ENDPOINTS: WfmEndpointsEnvSchema.default([]),
    WFM_ALLOW_PRIVATE_TARGETS: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
    WFM_RETRY_BASE_SECONDS: positiveInt(5),
    SECRETS_MAX_AGE_SECONDS: positiveInt(300),
  }),
);
const logger = createLogger();
const metrics = createMetrics();
const redelivery = new SqsRedelivery(new SQSClient({}), env.WFM_QUEUE_URL);
const endpoints = new Map(env.WFM_ENDPOINTS.map((endpoint) => [endpoint.name, endpoint]));
const processor = new BatchProcessor(EventType.SQS);
/** Leaves time to record the outcome before the invocation ends. */
const SAFETY_MARGIN_MS = 2_000;

export class WebhookDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookDeliveryError';
  }
}

async function signingSecrets(): Promise<string[]> {
  const value = await getSecret(env.WFM_SECRET_ID, {
    maxAge: env.SECRETS_MAX_AGE_SECONDS,
    transform: 'json',
  });
  const parsed = WfmSigningSecretSchema.safeParse(value);
  // The issues name fields only: the secret's values never reach a log line.
  if (!parsed.success) throw new WebhookDeliveryError(`WFM signing secret ${env.WFM_SECRET_ID} is malformed`);
  return signingSecretsOf(parsed.data);
}

function readMessage(record: SQSRecord): WfmDeliveryMessage {
  try {
    return parseRecordBody(record, WfmDeliveryMessageSchema);
  } catch (error) {
    // A poison message: it fails on every receive until SQS moves it to the DLQ.
    logger.error('WFM delivery message unreadable', { messageId: record.messageId, error });
    throw error;
  }
}

async function deliverRecord(record: SQSRecord, context: Context): Promise<void> {
  const { event, endpoint: endpointName } = readMessage(record);
  const endpoint = endpoints.get(endpointName);
  const log = {
    eventId: event.id,
    eventType: event.type,
    endpoint: endpointName,
    assignmentId: event.data.assignmentId,
  };
  if (!endpoint) throw new WebhookDeliveryError(`WFM endpoint ${endpointName} is not configured`);
  const receiveCount = Number(record.attributes.ApproximateReceiveCount);
  const outcome = await deliverWebhook({
    endpoint,
    event,
    secrets: await signingSecrets(),
    allowPrivate: env.WFM_ALLOW_PRIVATE_TARGETS,
    timeoutMs: Math.min(DEFAULT_WEBHOOK_TIMEOUT_MS, context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS),
  });
  switch (outcome.kind) {
    case 'delivered':
      metrics.addMetric('WebhookDelivered', MetricUnit.Count, 1);
      logger.info('webhook delivered', {
        ...log,
        status: outcome.status,
        durationMs: outcome.durationMs,
        receiveCount,
      });
      return;
    case 'disabled':
      metrics.addMetric('WebhookEndpointGone', MetricUnit.Count, 1);
      logger.warn('webhook endpoint answered 410 Gone; event dropped for it', log);
      return;
    case 'refused':
      metrics.addMetric('WebhookFailed', MetricUnit.Count, 1);
      logger.error('webhook target refused by the URL policy', { ...log, reason: outcome.reason });
      throw new WebhookDeliveryError(outcome.reason);
    case 'retry': {
      metrics.addMetric('WebhookFailed', MetricUnit.Count, 1);
      const delaySeconds = retryDelaySeconds(receiveCount, outcome.retryAfterMs, {
        baseSeconds: env.WFM_RETRY_BASE_SECONDS,
      });
      await redelivery.delay(record, delaySeconds);
      logger.warn('webhook delivery will be retried', {
        ...log,
        reason: outcome.reason,
        receiveCount,
        delaySeconds,
      });
      throw new WebhookDeliveryError(outcome.reason);
    }
  }
}

async function deliver(event: SQSEvent, context: Context) {
  metrics.addMetric('WebhookRecords', MetricUnit.Count, event.Records.length);
  return processPartialResponse(event, deliverRecord, processor, { context, throwOnFullBatchFailure: false });
}

export const handler = middy(deliver)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
