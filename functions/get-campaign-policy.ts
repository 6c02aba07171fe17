import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { DynamoPolicyStore } from '../lib/adapters/dynamo-policy-store.ts';
import type { Page } from '../lib/app/paging.ts';
import { InvalidCursorError, isBadQuery, parsePageQuery } from '../lib/app/paging.ts';
import { getPolicy, listPolicies, listPolicyVersions } from '../lib/app/policies.ts';
import { campaignView, policyVersionView } from '../lib/app/policy-schemas.ts';
import type { StoredPolicy } from '../lib/app/ports.ts';
import { entityTag } from '../lib/http/conditional.ts';
import { problemErrors } from '../lib/http/middlewares.ts';
import { problemOf, validationProblem } from '../lib/http/problem.ts';
import { type HttpResponse, json, problemResponse } from '../lib/http/responses.ts';
import { TableEnv } from '../lib/runtime/common-env.ts';
import { parseEnv } from '../lib/runtime/env.ts';
import { createLogger } from '../lib/runtime/observability.ts';

const env = parseEnv(TableEnv);
const logger = createLogger();
const deps = { policies: new DynamoPolicyStore(new DynamoDBClient({}), env.TABLE_NAME) };

const notFound = (campaignId: string) =>
  problemResponse(problemOf('not-found', `Campaign ${campaignId.slice(0, 128)} is not configured.`));

function pageOf<T>(page: Page<StoredPolicy>, view: (stored: StoredPolicy) => T) {
  return { items: page.items.map(view), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}

/** GET /campaigns, GET /campaigns/{campaignId} (with its ETag), GET /campaigns/{campaignId}/versions. */
async function get(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
  const campaignId = event.pathParameters?.campaignId ?? '';
  if (event.routeKey === 'GET /campaigns/{campaignId}') {
    const stored = await getPolicy(deps, campaignId);
    if (!stored) return notFound(campaignId);
    return json(200, campaignView(stored), { etag: entityTag(stored.version) });
  }
  const page = parsePageQuery(event.queryStringParameters);
  if (isBadQuery(page)) return problemResponse(problemOf('bad-request', page.detail));
  try {
    if (event.routeKey === 'GET /campaigns')
      return json(200, pageOf(await listPolicies(deps, page), campaignView));
    const versions = await listPolicyVersions(deps, campaignId, page);
    return versions ? json(200, pageOf(versions, policyVersionView)) : notFound(campaignId);
  } catch (error) {
    // Well formed but not one of this list's: the request cannot be processed as it is (as the endpoint lists).
    if (error instanceof InvalidCursorError) {
      return problemResponse(
        validationProblem([{ path: 'cursor', code: 'invalid_cursor', message: error.message }]),
      );
    }
    throw error;
  }
}

export const handler = middy(get)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(problemErrors(logger));
