import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { tablePolicies } from '../lib/adapters/cached-policies.ts';
import { DynamoAssignmentStore } from '../lib/adapters/dynamo-assignment-store.ts';
import { SqsDispatchQueue } from '../lib/adapters/sqs-queues.ts';
import { type SubmitOutcome, submitAssignment } from '../lib/app/submit.ts';
import { bodyLimit, parseJsonBody, problemErrors, requireJsonContentType } from '../lib/http/middlewares.ts';
import { problemOf, validationProblem } from '../lib/http/problem.ts';
import { type HttpResponse, json, problemResponse } from '../lib/http/responses.ts';
import { PoliciesEnv, positiveInt, TableEnv } from '../lib/runtime/common-env.ts';
import { extendEnv, parseEnv } from '../lib/runtime/env.ts';
import { createLogger } from '../lib/runtime/observability.ts';

const env = parseEnv(
  extendEnv(TableEnv, {
    ...PoliciesEnv.shape,
    DISPATCH_QUEUE_URL: z.url(),
    MAX_BODY_BYTES: positiveInt(262_144),
  }),
);
const logger = createLogger();
const dynamo = new DynamoDBClient({});
const policies = tablePolicies(dynamo, env.TABLE_NAME, env.POLICY_CACHE_SECONDS);
const store = new DynamoAssignmentStore(dynamo, env.TABLE_NAME);
const queue = new SqsDispatchQueue(new SQSClient({}), env.DISPATCH_QUEUE_URL);
const clock = { now: () => new Date() };

// A Map, not an object literal: `dryRun=constructor` must not find Object.prototype's members.
const DRY_RUN_VALUES = new Map([
  ['true', true],
  ['false', false],
  ['1', true],
  ['0', false],
]);

async function submit(event: APIGatewayProxyEventV2 & { parsedBody?: unknown }): Promise<HttpResponse> {
  const campaignId = event.pathParameters?.campaignId ?? '';
  const dryRunParam = event.queryStringParameters?.dryRun;
  const dryRun = dryRunParam === undefined ? false : DRY_RUN_VALUES.get(dryRunParam);
  if (dryRun === undefined) {
    return problemResponse(problemOf('bad-request', 'Query parameter dryRun must be true or false.'));
  }
  const idempotencyKey = event.headers?.['idempotency-key'];
  logger.appendKeys({ campaignId });
  const outcome = await submitAssignment(
    { store, queue, clock, policyFor: (id) => policies.policyFor(id) },
    {
      campaignId,
      body: event.parsedBody,
      dryRun,
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
    },
  );
  if (outcome.kind === 'plan') return json(200, outcome.plan);
  if (outcome.kind === 'accepted') {
    logger.info('assignment accepted', {
      audit: { action: 'assignment.accepted', ...outcome.accepted, replayed: outcome.replayed },
    });
    return json(outcome.replayed ? 200 : 202, outcome.accepted, {
      location: `/assignments/${outcome.accepted.assignmentId}`,
    });
  }
  const problem = refusal(outcome, campaignId);
  logger.info('submission refused', { status: problem.status, errors: problem.errors?.length });
  return problemResponse(problem);
}

function refusal(outcome: Exclude<SubmitOutcome, { kind: 'plan' | 'accepted' }>, campaignId: string) {
  switch (outcome.kind) {
    case 'unknown_campaign':
      return problemOf('not-found', `Campaign ${campaignId} is not configured.`);
    case 'invalid_idempotency_key':
      return problemOf('bad-request', 'Idempotency-Key must be 1–255 visible ASCII characters.');
    case 'invalid':
      return validationProblem(outcome.issues);
    case 'idempotency_key_reused':
      return problemOf(
        'idempotency-key-reused',
        'This Idempotency-Key was already used with a different body; use a new key for a new desired state.',
      );
    case 'idempotency_key_in_flight':
      return problemOf('conflict', 'A request with this Idempotency-Key is still in flight; retry shortly.');
  }
}

export const handler = middy(submit)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(problemErrors(logger))
  .use(bodyLimit(env.MAX_BODY_BYTES))
  .use(requireJsonContentType())
  .use(parseJsonBody());
