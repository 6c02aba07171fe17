import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { tablePolicies } from '../lib/adapters/cached-policies.ts';
import { createSecretsManagerCredentials } from '../lib/adapters/cxone-credentials.ts';
import { CxoneSkillReader } from '../lib/adapters/cxone-skill-reader.ts';
import { DynamoAssignmentStore } from '../lib/adapters/dynamo-assignment-store.ts';
import { queryCampaignDrift } from '../lib/app/drift.ts';
import { PermanentRefusalError, RetryLaterError } from '../lib/app/errors.ts';
import { createCxoneClient } from '../lib/cxone/client.ts';
import { problemErrors } from '../lib/http/middlewares.ts';
import { problemOf } from '../lib/http/problem.ts';
import { type HttpResponse, json, problemResponse } from '../lib/http/responses.ts';
import { CxoneEnv, PoliciesEnv, TableEnv } from '../lib/runtime/common-env.ts';
import { cxoneRateBudget } from '../lib/runtime/cxone-rate.ts';
import { extendEnv, parseEnv } from '../lib/runtime/env.ts';
import { createLogger } from '../lib/runtime/observability.ts';

const env = parseEnv(extendEnv(TableEnv, { ...PoliciesEnv.shape, ...CxoneEnv.shape }));
const logger = createLogger();
const dynamo = new DynamoDBClient({});
const cxone = createCxoneClient({
  target: env.CXONE_TARGET,
  apiVersion: env.CXONE_API_VERSION,
  rateLimitPerSecond: env.CXONE_RATE_LIMIT_PER_SECOND,
  sharedBudget: cxoneRateBudget(dynamo, env, logger),
  credentials: createSecretsManagerCredentials({
    secretId: env.CXONE_SECRET_ID,
    target: env.CXONE_TARGET,
    maxAgeSeconds: env.SECRETS_MAX_AGE_SECONDS,
  }),
  onRetry: (retry) => logger.warn('CXone call retried', { retry }),
});
const policies = tablePolicies(dynamo, env.TABLE_NAME, env.POLICY_CACHE_SECONDS);
const deps = {
  policies,
  store: new DynamoAssignmentStore(dynamo, env.TABLE_NAME),
  skills: new CxoneSkillReader(cxone),
  clock: { now: () => new Date() },
};
/** Time kept back from the invocation to answer after the CXone read. */
const SAFETY_MARGIN_MS = 1_000;
const DEFAULT_RETRY_AFTER_SECONDS = 5;

async function getCampaignDrift(event: APIGatewayProxyEventV2, context: Context): Promise<HttpResponse> {
  const campaignId = event.pathParameters?.campaignId ?? '';
  logger.appendKeys({ campaignId: campaignId.slice(0, 128) });
  try {
    const outcome = await queryCampaignDrift(deps, campaignId, {
      deadline: Date.now() + context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS,
    });
    switch (outcome.kind) {
      case 'checked':
        return json(200, outcome.report);
      case 'unknown_campaign':
        return problemResponse(
          problemOf('not-found', `Campaign ${campaignId.slice(0, 128)} is not configured.`),
        );
      case 'no_desired_state':
        return problemResponse(
          problemOf('not-found', `Campaign ${campaignId.slice(0, 128)} has no desired state yet.`),
        );
    }
  } catch (error) {
    return cxoneFailure(error);
  }
}

function cxoneFailure(error: unknown): HttpResponse {
  if (error instanceof RetryLaterError) {
    logger.warn('CXone could not be read for the drift check', { error });
    const seconds = Math.max(1, Math.ceil((error.retryAfterMs ?? DEFAULT_RETRY_AFTER_SECONDS * 1000) / 1000));
    return problemResponse(problemOf('service-unavailable', 'CXone could not be read now. Retry.'), {
      'retry-after': String(seconds),
    });
  }
  if (error instanceof PermanentRefusalError) {
    logger.error('CXone refused the drift check’s read', { error });
    return problemResponse(
      problemOf(
        'bad-gateway',
        'CXone refused the skill read (an operator must check the CXone credentials).',
      ),
    );
  }
  throw error;
}

export const handler = middy(getCampaignDrift)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(problemErrors(logger));
