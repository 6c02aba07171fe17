// POST /webhooks/endpoints/{id}/replay: the stored events of a time window, sent again to one endpoint with their
// original ids.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { DynamoEndpointStore } from '../lib/adapters/dynamo-endpoint-store.ts';
import { DynamoEventLog } from '../lib/adapters/dynamo-event-log.ts';
import { SqsWfmDeliveryQueue } from '../lib/adapters/sqs-queues.ts';
import { type ReplayDeps, replayEvents } from '../lib/app/webhook-endpoints.ts';
import { bodyLimit, parseJsonBody, problemErrors, requireJsonContentType } from '../lib/http/middlewares.ts';
import { problemOf, validationProblem } from '../lib/http/problem.ts';
import { type HttpResponse, json, problemResponse } from '../lib/http/responses.ts';
import { positiveInt, TableEnv } from '../lib/runtime/common-env.ts';
import { extendEnv, parseEnv } from '../lib/runtime/env.ts';
import { createLogger } from '../lib/runtime/observability.ts';

const env = parseEnv(
  extendEnv(TableEnv, { WFM_QUEUE_URL: z.url(), WFM_EVENT_RETENTION_DAYS: positiveInt(14) }),
);
const logger = createLogger();
const dynamodb = new DynamoDBClient({});
const deps: ReplayDeps = {
  store: new DynamoEndpointStore(dynamodb, env.TABLE_NAME),
  events: new DynamoEventLog(dynamodb, env.TABLE_NAME, env.WFM_EVENT_RETENTION_DAYS),
  queue: new SqsWfmDeliveryQueue(new SQSClient({}), env.WFM_QUEUE_URL),
  clock: { now: () => new Date() },
  retentionDays: env.WFM_EVENT_RETENTION_DAYS,
};

async function replay(event: APIGatewayProxyEventV2 & { parsedBody?: unknown }): Promise<HttpResponse> {
  const id = event.pathParameters?.id ?? '';
  const outcome = await replayEvents(deps, id, event.parsedBody);
  if (outcome.kind === 'not_found') {
    return problemResponse(problemOf('not-found', `Webhook endpoint ${id.slice(0, 64)} does not exist.`));
  }
  if (outcome.kind === 'invalid') return problemResponse(validationProblem(outcome.issues));
  logger.info('webhook_endpoint.replayed', {
    audit: {
      action: 'webhook_endpoint.replayed',
      endpoint: id,
      events: outcome.events,
      window: event.parsedBody,
    },
  });
  return json(202, { events: outcome.events });
}

export const handler = middy(replay)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(problemErrors(logger))
  .use(bodyLimit(4_096))
  .use(requireJsonContentType())
  .use(parseJsonBody());
