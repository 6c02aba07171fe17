import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { createSecretsManagerCredentials } from '../lib/adapters/cxone-credentials.ts';
import { CxoneSkillLookup } from '../lib/adapters/cxone-skill-lookup.ts';
import { DynamoAssignmentStore } from '../lib/adapters/dynamo-assignment-store.ts';
import { DynamoPolicyStore } from '../lib/adapters/dynamo-policy-store.ts';
import { SqsDispatchQueue, SqsWfmEventQueue } from '../lib/adapters/sqs-queues.ts';
import { PermanentRefusalError, RetryLaterError } from '../lib/app/errors.ts';
import { type PutPolicyOutcome, putPolicy } from '../lib/app/policies.ts';
import { campaignView } from '../lib/app/policy-schemas.ts';
import { createCxoneClient } from '../lib/cxone/client.ts';
import { entityTag, parseIfMatch, parseIfNoneMatch } from '../lib/http/conditional.ts';
import { bodyLimit, parseJsonBody, problemErrors, requireJsonContentType } from '../lib/http/middlewares.ts';
import { principalOf } from '../lib/http/principal.ts';
import { problemOf, validationProblem } from '../lib/http/problem.ts';
import { booleanParam, isProblem } from '../lib/http/query.ts';
import { type HttpResponse, json, problemResponse } from '../lib/http/responses.ts';
import { CxoneEnv, positiveInt, TableEnv } from '../lib/runtime/common-env.ts';
import { cxoneRateBudget } from '../lib/runtime/cxone-rate.ts';
import { extendEnv, parseEnv } from '../lib/runtime/env.ts';
import { createLogger } from '../lib/runtime/observability.ts';

const env = parseEnv(
  extendEnv(TableEnv, {
    ...CxoneEnv.shape,
    DISPATCH_QUEUE_URL: z.url(),
    WFM_QUEUE_URL: z.url(),
    MAX_BODY_BYTES: positiveInt(262_144),
  }),
);
const logger = createLogger();
const dynamo = new DynamoDBClient({});
const sqs = new SQSClient({});
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
const deps = {
  policies: new DynamoPolicyStore(dynamo, env.TABLE_NAME),
  assignments: new DynamoAssignmentStore(dynamo, env.TABLE_NAME),
  queue: new SqsDispatchQueue(sqs, env.DISPATCH_QUEUE_URL),
  wfm: new SqsWfmEventQueue(sqs, env.WFM_QUEUE_URL),
  skills: new CxoneSkillLookup(cxone),
  clock: { now: () => new Date() },
};
/** Time kept back from the invocation for the writes after the CXone lookup. */
const SAFETY_MARGIN_MS = 2_000;
const DEFAULT_RETRY_AFTER_SECONDS = 5;

async function put(
  event: APIGatewayProxyEventV2 & { parsedBody?: unknown },
  context: Context,
): Promise<HttpResponse> {
  const campaignId = event.pathParameters?.campaignId ?? '';
  const force = booleanParam(event.queryStringParameters, 'force', false);
  if (isProblem(force)) return problemResponse(force);
  const ifMatch = parseIfMatch(event.headers?.['if-match']);
  const ifNoneMatch = parseIfNoneMatch(event.headers?.['if-none-match']);
  logger.appendKeys({ campaignId });
  let outcome: PutPolicyOutcome;
  try {
    outcome = await putPolicy(deps, {
      campaignId,
      body: event.parsedBody,
      force,
      ...(ifMatch === undefined ? {} : { ifMatch }),
      ...(ifNoneMatch === undefined ? {} : { ifNoneMatch }),
      context: {
        correlationId: event.requestContext.requestId,
        deadline: Date.now() + context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS,
      },
    });
  } catch (error) {
    return cxoneFailure(error);
  }
  return answer(outcome, campaignId, principalOf(event), force);
}

function answer(
  outcome: PutPolicyOutcome,
  campaignId: string,
  principal: string | undefined,
  force: boolean,
): HttpResponse {
  switch (outcome.kind) {
    case 'created':
    case 'replaced': {
      const { stored } = outcome;
      logger.info('campaign policy stored', {
        audit: {
          action: `policy.${outcome.kind}`,
          campaignId,
          version: stored.version,
          previousVersion: outcome.previousVersion,
          replanAssignmentId: outcome.replanAssignmentId,
          force,
          principal,
        },
      });
      for (const failure of outcome.effectFailures) {
        logger.error('campaign policy stored, but a follow-up failed', {
          effect: failure.effect,
          error: failure.error,
        });
      }
      const headers: Record<string, string> = { etag: entityTag(stored.version) };
      if (outcome.kind === 'created') headers.location = `/campaigns/${encodeURIComponent(campaignId)}`;
      return json(outcome.kind === 'created' ? 201 : 200, campaignView(stored), headers);
    }
    case 'unchanged':
      return json(200, campaignView(outcome.stored), { etag: entityTag(outcome.stored.version) });
    case 'invalid':
      return problemResponse(validationProblem(outcome.issues));
    case 'skill_taken':
      return problemResponse(
        problemOf(
          'conflict',
          `CXone skill ${outcome.skillId} already belongs to campaign ${outcome.heldBy}.`,
        ),
      );
    case 'precondition_failed':
      return problemResponse(
        problemOf(
          'precondition-failed',
          'The campaign policy is not in the state the request expects (If-Match / If-None-Match); ' +
            'GET it again for its current ETag.',
        ),
      );
    case 'precondition_required':
      return problemResponse(
        problemOf(
          'precondition-required',
          'Replacing a campaign policy needs If-Match with the ETag of GET /campaigns/{campaignId}.',
        ),
      );
  }
}

/** The CXone skill lookup failed: nothing was stored. */
function cxoneFailure(error: unknown): HttpResponse {
  if (error instanceof RetryLaterError) {
    logger.warn('CXone skill lookup failed; the policy was not stored', { error });
    const seconds = Math.max(1, Math.ceil((error.retryAfterMs ?? DEFAULT_RETRY_AFTER_SECONDS * 1000) / 1000));
    return problemResponse(
      problemOf(
        'service-unavailable',
        'CXone could not be asked about the skill now; nothing was stored. Retry.',
      ),
      { 'retry-after': String(seconds) },
    );
  }
  if (error instanceof PermanentRefusalError) {
    logger.error('CXone refused the skill lookup; the policy was not stored', { error });
    return problemResponse(
      problemOf(
        'bad-gateway',
        'CXone refused the skill lookup (an operator must check the CXone credentials).',
      ),
    );
  }
  throw error;
}

export const handler = middy(put)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(problemErrors(logger))
  .use(bodyLimit(env.MAX_BODY_BYTES))
  .use(requireJsonContentType())
  .use(parseJsonBody());
