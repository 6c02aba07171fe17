// GET /webhooks/endpoints, GET /webhooks/endpoints/{id}, GET /webhooks/endpoints/{id}/deliveries: read-only (no
// secret is ever decrypted or answered here).
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { DynamoDeliveryLog, DynamoEndpointStore } from '../lib/adapters/dynamo-endpoint-store.ts';
import {
  getEndpoint,
  isBadQuery,
  listDeliveries,
  listEndpoints,
  parsePageQuery,
} from '../lib/app/webhook-endpoints.ts';
import { InvalidCursorError } from '../lib/app/webhook-ports.ts';
import { problemErrors } from '../lib/http/middlewares.ts';
import { problemOf, validationProblem } from '../lib/http/problem.ts';
import { type HttpResponse, json, problemResponse } from '../lib/http/responses.ts';
import { positiveInt, TableEnv } from '../lib/runtime/common-env.ts';
import { extendEnv, parseEnv } from '../lib/runtime/env.ts';
import { createLogger } from '../lib/runtime/observability.ts';

const env = parseEnv(extendEnv(TableEnv, { WFM_EVENT_RETENTION_DAYS: positiveInt(14) }));
const logger = createLogger();
const dynamodb = new DynamoDBClient({});
const store = new DynamoEndpointStore(dynamodb, env.TABLE_NAME);
const deliveries = new DynamoDeliveryLog(dynamodb, env.TABLE_NAME, env.WFM_EVENT_RETENTION_DAYS);
const clock = { now: () => new Date() };

const notFound = (id: string) =>
  problemResponse(problemOf('not-found', `Webhook endpoint ${id.slice(0, 64)} does not exist.`));
const badRequest = (detail: string) => problemResponse(problemOf('bad-request', detail));

async function list(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
  const page = parsePageQuery(event.queryStringParameters);
  if (isBadQuery(page)) return badRequest(page.detail);
  return json(200, await listEndpoints({ store, clock }, page));
}

async function get(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
  const id = event.pathParameters?.id ?? '';
  const outcome = await getEndpoint({ store, clock }, id);
  return outcome.kind === 'found' ? json(200, outcome.endpoint) : notFound(id);
}

async function attempts(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
  const id = event.pathParameters?.id ?? '';
  const page = parsePageQuery(event.queryStringParameters);
  if (isBadQuery(page)) return badRequest(page.detail);
  const outcome = await listDeliveries({ store, deliveries }, id, page);
  return outcome.kind === 'found' ? json(200, outcome.page) : notFound(id);
}

const routes: Record<string, (event: APIGatewayProxyEventV2) => Promise<HttpResponse>> = {
  'GET /webhooks/endpoints': list,
  'GET /webhooks/endpoints/{id}': get,
  'GET /webhooks/endpoints/{id}/deliveries': attempts,
};

async function route(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
  const handle = routes[event.routeKey];
  if (!handle) return problemResponse(problemOf('not-found', `No route ${event.routeKey.slice(0, 100)}.`));
  try {
    return await handle(event);
  } catch (error) {
    // Well formed but not one of ours (or of another list): the request cannot be processed as it is.
    if (error instanceof InvalidCursorError) {
      return problemResponse(
        validationProblem([{ path: 'cursor', code: 'invalid_cursor', message: error.message }]),
      );
    }
    throw error;
  }
}

export const handler = middy(route)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(problemErrors(logger));
