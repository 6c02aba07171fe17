import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import { DynamoDeliveryLog, DynamoEndpointStore } from '../lib/adapters/dynamo-endpoint-store.ts';
import { DynamoEventLog } from '../lib/adapters/dynamo-event-log.ts';
import { KmsSecretSealer } from '../lib/adapters/kms-secret-sealer.ts';
import { SqsDeadLetterQueue, SqsWfmDeliveryQueue, SqsWfmEventQueue } from '../lib/adapters/sqs-queues.ts';
import { delayRedelivery } from '../lib/adapters/sqs-redelivery.ts';
import {
  DEFAULT_DISABLE_AFTER_SECONDS,
  type DeliverDeps,
  deliverMessage,
  fanOutAll,
} from '../lib/app/webhook-delivery.ts';
import { isDelivery, type WfmDeliveryMessage, WfmQueueMessageSchema } from '../lib/app/webhook-model.ts';
import type { WebhookSender } from '../lib/app/webhook-ports.ts';
import { addIssue } from '../lib/domain/zod.ts';
import { retryDelaySeconds } from '../lib/retry/redelivery.ts';
import { positiveInt, TableEnv } from '../lib/runtime/common-env.ts';
import { extendEnv, parseEnv } from '../lib/runtime/env.ts';
import { createLogger, createMetrics } from '../lib/runtime/observability.ts';
import { PoisonMessageError, parseRecordBody } from '../lib/runtime/sqs-records.ts';
import { webhookObserver } from '../lib/runtime/webhook-observer.ts';
import type { WfmEvent } from '../lib/wfm/cloudevents.ts';
import { DEFAULT_WEBHOOK_TIMEOUT_MS, deliverWebhook } from '../lib/wfm/deliver.ts';
import { WfmEndpointsEnvSchema } from '../lib/wfm/endpoints.ts';
import { parseRetrySchedule } from '../lib/wfm/retry-schedule.ts';
import { signingSecretsOf, WfmSigningSecretSchema } from '../lib/wfm/signing.ts';
import { TargetsSettingSchema } from '../lib/wfm/url-policy.ts';

const env = parseEnv(
  extendEnv(TableEnv, {
    WFM_QUEUE_URL: z.string().check(z.url()),
    WFM_DLQ_URL: z.string().check(z.url()),
    WFM_SECRET_ID: z.string().check(z.minLength(1)),
    WFM_ENDPOINT_KEY_ID: z.string().check(z.minLength(1)),
    WFM_ENDPOINTS: z._default(WfmEndpointsEnvSchema, []),
    WFM_ALLOW_PRIVATE_TARGETS: TargetsSettingSchema,
    WFM_EVENT_RETENTION_DAYS: positiveInt(14),
    SECRETS_MAX_AGE_SECONDS: positiveInt(300),
    // Test knobs (not set when deployed): the retry schedule, and how long an endpoint fails before it is disabled.
    WFM_RETRY_SCHEDULE_SECONDS: z.pipe(
      z.optional(z.string()),
      z.transform((text, ctx) => {
        try {
          return parseRetrySchedule(text);
        } catch (error) {
          addIssue(ctx, { message: (error as Error).message });
          return z.NEVER;
        }
      }),
    ),
    WFM_DISABLE_AFTER_SECONDS: positiveInt(DEFAULT_DISABLE_AFTER_SECONDS),
  }),
);
const logger = createLogger();
const metrics = createMetrics();
const sqs = new SQSClient({});
const dynamodb = new DynamoDBClient({});
const store = new DynamoEndpointStore(dynamodb, env.TABLE_NAME);
const deadLetters = new SqsDeadLetterQueue(sqs, env.WFM_DLQ_URL);
const fanOutDeps = {
  store,
  events: new DynamoEventLog(dynamodb, env.TABLE_NAME, env.WFM_EVENT_RETENTION_DAYS),
  queue: new SqsWfmDeliveryQueue(sqs, env.WFM_QUEUE_URL),
  staticEndpoints: env.WFM_ENDPOINTS,
};
const deliverDeps: Omit<DeliverDeps, 'sender'> = {
  store,
  deliveries: new DynamoDeliveryLog(dynamodb, env.TABLE_NAME, env.WFM_EVENT_RETENTION_DAYS),
  sealer: new KmsSecretSealer(new KMSClient({}), {
    keyId: env.WFM_ENDPOINT_KEY_ID,
    maxAgeSeconds: env.SECRETS_MAX_AGE_SECONDS,
  }),
  wfm: new SqsWfmEventQueue(sqs, env.WFM_QUEUE_URL),
  staticEndpoints: new Map(env.WFM_ENDPOINTS.map((endpoint) => [endpoint.name, endpoint])),
  stageSecrets,
  observer: webhookObserver(logger, metrics),
  clock: { now: () => new Date() },
  schedule: env.WFM_RETRY_SCHEDULE_SECONDS,
  disableAfterSeconds: env.WFM_DISABLE_AFTER_SECONDS,
};
const processor = new BatchProcessor(EventType.SQS);
/** Leaves time to record the outcome before the invocation ends. */
const SAFETY_MARGIN_MS = 2_000;

export class WebhookDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookDeliveryError';
  }
}

async function stageSecrets(): Promise<string[]> {
  const value = await getSecret(env.WFM_SECRET_ID, {
    maxAge: env.SECRETS_MAX_AGE_SECONDS,
    transform: 'json',
  });
  const parsed = WfmSigningSecretSchema.safeParse(value);
  // The issues name fields only: the secret's values never reach a log line.
  if (!parsed.success) throw new WebhookDeliveryError(`WFM signing secret ${env.WFM_SECRET_ID} is malformed`);
  return signingSecretsOf(parsed.data);
}

/** One signed POST, its timeout bounded by what is left of this invocation. */
function senderFor(context: Context): WebhookSender {
  return {
    send: (target, event, secrets) =>
      deliverWebhook({
        endpoint: target,
        event,
        secrets,
        ...env.WFM_ALLOW_PRIVATE_TARGETS,
        timeoutMs: Math.min(
          DEFAULT_WEBHOOK_TIMEOUT_MS,
          context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS,
        ),
      }),
  };
}

async function handleMessage(
  record: SQSRecord,
  message: WfmDeliveryMessage,
  context: Context,
): Promise<void> {
  const attempt = Number(record.attributes.ApproximateReceiveCount);
  const result = await deliverMessage({ ...deliverDeps, sender: senderFor(context) }, message, attempt);
  const endpoint = 'endpointId' in message ? message.endpointId : message.endpoint;
  const log = { eventId: message.event.id, eventType: message.event.type, endpoint, attempt };
  switch (result.kind) {
    case 'delivered':
      return;
    case 'dropped':
      logger.info('WFM delivery dropped', { ...log, reason: result.reason });
      return;
    case 'failed':
      await deadLetters.send(record.body, result.reason);
      metrics.addMetric('WebhookDeadLettered', MetricUnit.Count, 1);
      logger.error('WFM delivery moved to the dead-letter queue', { ...log, reason: result.reason });
      return;
    case 'retry':
      await delayRedelivery(sqs, env.WFM_QUEUE_URL, record.receiptHandle, result.waitSeconds);
      throw new WebhookDeliveryError(`retry in ${result.waitSeconds} s`);
  }
}

/** One delivery message, or one no receive can make readable (to the dead-letter queue at once). */
async function handleRecord(
  record: SQSRecord,
  message: WfmDeliveryMessage | PoisonMessageError,
  context: Context,
): Promise<void> {
  if (message instanceof PoisonMessageError) {
    logger.error('WFM delivery message unreadable', { messageId: record.messageId, error: message });
    await deadLetters.send(record.body, message.message);
    return;
  }
  try {
    await handleMessage(record, message, context);
  } catch (error) {
    if (error instanceof WebhookDeliveryError) throw error;
    // DynamoDB, KMS, SQS or Secrets Manager failed: back off (the queue's maxReceiveCount is the backstop).
    const receiveCount = Number(record.attributes.ApproximateReceiveCount);
    const delaySeconds = retryDelaySeconds(receiveCount, undefined, { capSeconds: 300 });
    logger.warn('WFM message will be retried', { messageId: record.messageId, error, delaySeconds });
    await delayRedelivery(sqs, env.WFM_QUEUE_URL, record.receiptHandle, delaySeconds).catch(() => {});
    throw error;
  }
}

/** The batch, each body parsed once: its fan-out messages (events from the dispatcher) apart from the rest. */
function parseBatch(records: readonly SQSRecord[]) {
  const fanOuts: Array<{ record: SQSRecord; event: WfmEvent }> = [];
  const others = new Map<string, WfmDeliveryMessage | PoisonMessageError>();
  for (const record of records) {
    try {
      const message = parseRecordBody(record, WfmQueueMessageSchema);
      if (isDelivery(message)) others.set(record.messageId, message);
      else fanOuts.push({ record, event: message.event });
    } catch (error) {
      if (!(error instanceof PoisonMessageError)) throw error;
      others.set(record.messageId, error);
    }
  }
  return { fanOuts, others };
}

/**
 * Fans out every event of the batch at once (one subscriptions read, the delivery messages ten to a request); if that
 * fails, every one of them is retried after a backoff, as a failed record is.
 */
async function fanOutRecords(fanOuts: ReadonlyArray<{ record: SQSRecord; event: WfmEvent }>) {
  if (fanOuts.length === 0) return [];
  try {
    const deliveries = await fanOutAll(
      fanOutDeps,
      fanOuts.map((f) => f.event),
    );
    // DEBUG: each event is stored for replay and each delivery logs its own attempt line.
    logger.debug('WFM events fanned out', { events: fanOuts.length, deliveries });
    return [];
  } catch (error) {
    const receiveCount = Math.max(...fanOuts.map((f) => Number(f.record.attributes.ApproximateReceiveCount)));
    const delaySeconds = retryDelaySeconds(receiveCount, undefined, { capSeconds: 300 });
    logger.warn('WFM events will be fanned out again', { events: fanOuts.length, error, delaySeconds });
    await Promise.all(
      fanOuts.map((f) =>
        delayRedelivery(sqs, env.WFM_QUEUE_URL, f.record.receiptHandle, delaySeconds).catch(() => {}),
      ),
    );
    return fanOuts.map((f) => ({ itemIdentifier: f.record.messageId }));
  }
}

async function deliver(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  metrics.addMetric('WebhookRecords', MetricUnit.Count, event.Records.length);
  const { fanOuts, others } = parseBatch(event.Records);
  const fanOutFailures = await fanOutRecords(fanOuts);
  const rest = event.Records.filter((record) => others.has(record.messageId));
  if (rest.length === 0) return { batchItemFailures: fanOutFailures };
  const response = await processPartialResponse(
    { Records: rest },
    (record: SQSRecord) =>
      handleRecord(record, others.get(record.messageId) as WfmDeliveryMessage | PoisonMessageError, context),
    processor,
    { context, throwOnFullBatchFailure: false },
  );
  return { batchItemFailures: [...fanOutFailures, ...response.batchItemFailures] };
}

export const handler = middy(deliver)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
