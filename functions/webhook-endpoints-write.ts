// POST /webhooks/endpoints, PATCH and DELETE /webhooks/endpoints/{id}, POST /webhooks/endpoints/{id}/rotate-secret:
// the routes that change endpoints (and the only ones that may encrypt a secret with the endpoint key).
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { DynamoEndpointStore } from '../lib/adapters/dynamo-endpoint-store.ts';
import { KmsSecretSealer } from '../lib/adapters/kms-secret-sealer.ts';
import { WebhookUrlChecker } from '../lib/adapters/webhook-url-checker.ts';
import {
  createEndpoint,
  deleteEndpoint,
  type EndpointAdminDeps,
  patchEndpoint,
  rotateSecret,
} from '../lib/app/webhook-endpoints.ts';
import { bodyLimit, parseJsonBody, problemErrors, requireJsonContentType } from '../lib/http/middlewares.ts';
import { problemOf, validationProblem } from '../lib/http/problem.ts';
import { type HttpResponse, json, problemResponse } from '../lib/http/responses.ts';
import { TableEnv } from '../lib/runtime/common-env.ts';
import { extendEnv, parseEnv } from '../lib/runtime/env.ts';
import { createLogger } from '../lib/runtime/observability.ts';
import { TargetsSettingSchema } from '../lib/wfm/url-policy.ts';

const env = parseEnv(
  extendEnv(TableEnv, {
    WFM_ENDPOINT_KEY_ID: z.string().check(z.minLength(1)),
    WFM_ALLOW_PRIVATE_TARGETS: TargetsSettingSchema,
  }),
);
const logger = createLogger();
const deps: EndpointAdminDeps = {
  store: new DynamoEndpointStore(new DynamoDBClient({}), env.TABLE_NAME),
  sealer: new KmsSecretSealer(new KMSClient({}), { keyId: env.WFM_ENDPOINT_KEY_ID, maxAgeSeconds: 0 }),
  urls: new WebhookUrlChecker(env.WFM_ALLOW_PRIVATE_TARGETS),
  clock: { now: () => new Date() },
};
const MAX_BODY_BYTES = 65_536;

type Event = APIGatewayProxyEventV2 & { parsedBody?: unknown };
type Route = (event: Event) => Promise<HttpResponse>;

const notFound = (id: string) =>
  problemResponse(problemOf('not-found', `Webhook endpoint ${id.slice(0, 64)} does not exist.`));
const audit = (action: string, details: Record<string, unknown>) =>
  logger.info(action, { audit: { action, ...details } });

async function create(event: Event): Promise<HttpResponse> {
  const outcome = await createEndpoint(deps, event.parsedBody);
  if (outcome.kind === 'invalid') return problemResponse(validationProblem(outcome.issues));
  const { secret: _secret, ...endpoint } = outcome.endpoint;
  audit('webhook_endpoint.created', {
    endpoint: endpoint.id,
    eventTypes: endpoint.eventTypes,
    enabled: endpoint.enabled,
  });
  return json(201, outcome.endpoint, { location: `/webhooks/endpoints/${endpoint.id}` });
}

async function patch(event: Event): Promise<HttpResponse> {
  const id = event.pathParameters?.id ?? '';
  const outcome = await patchEndpoint(deps, id, event.parsedBody);
  if (outcome.kind === 'not_found') return notFound(id);
  if (outcome.kind === 'invalid') return problemResponse(validationProblem(outcome.issues));
  audit('webhook_endpoint.updated', {
    endpoint: id,
    fields: Object.keys(event.parsedBody as object),
    enabled: outcome.endpoint.enabled,
  });
  return json(200, outcome.endpoint);
}

async function remove(event: Event): Promise<HttpResponse> {
  const id = event.pathParameters?.id ?? '';
  const outcome = await deleteEndpoint(deps, id);
  if (outcome.kind === 'not_found') return notFound(id);
  audit('webhook_endpoint.deleted', { endpoint: id });
  return { statusCode: 204, headers: { 'cache-control': 'no-store' } };
}

async function rotate(event: Event): Promise<HttpResponse> {
  const id = event.pathParameters?.id ?? '';
  // No body at all rotates with the defaults; a JSON body must be the options object.
  const outcome = await rotateSecret(deps, id, 'parsedBody' in event ? event.parsedBody : {});
  if (outcome.kind === 'not_found') return notFound(id);
  if (outcome.kind === 'invalid') return problemResponse(validationProblem(outcome.issues));
  audit('webhook_endpoint.secret_rotated', {
    endpoint: id,
    ...(outcome.rotated.previousSecretExpiresAt
      ? { previousSecretExpiresAt: outcome.rotated.previousSecretExpiresAt }
      : {}),
  });
  return json(200, outcome.rotated);
}

/** The route with a JSON body: 413 over the limit, 415 unless JSON, 400 when malformed. */
function withJsonBody(route: Route): (event: Event, context: Context) => Promise<HttpResponse> {
  return middy(route).use(bodyLimit(MAX_BODY_BYTES)).use(requireJsonContentType()).use(parseJsonBody());
}

const routes: Record<string, (event: Event, context: Context) => Promise<HttpResponse>> = {
  'POST /webhooks/endpoints': withJsonBody(create),
  'PATCH /webhooks/endpoints/{id}': withJsonBody(patch),
  'DELETE /webhooks/endpoints/{id}': remove,
  // The body is optional: none rotates with the default grace period.
  'POST /webhooks/endpoints/{id}/rotate-secret': (event, context) =>
    event.body === undefined || event.body === '' ? rotate(event) : withJsonBody(rotate)(event, context),
};

async function route(event: Event, context: Context): Promise<HttpResponse> {
  const handle = routes[event.routeKey];
  if (!handle) return problemResponse(problemOf('not-found', `No route ${event.routeKey.slice(0, 100)}.`));
  return handle(event, context);
}

export const handler = middy(route)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(problemErrors(logger));
