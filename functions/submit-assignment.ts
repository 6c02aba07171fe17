import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod';
import { DynamoAssignmentStore } from '../lib/adapters/dynamo-assignment-store.ts';
import { loadPolicyCatalog } from '../lib/adapters/policies-file.ts';
import { SqsDispatchQueue } from '../lib/adapters/sqs-queues.ts';
import { submitAssignment } from '../lib/app/submit.ts';
import { problemOf } from '../lib/domain/problem.ts';
import { bodyLimit, parseJsonBody, problemErrors, requireJsonContentType } from '../lib/http/middlewares.ts';
import { type HttpResponse, json, problemResponse } from '../lib/http/responses.ts';
import { PoliciesEnv, positiveInt, TableEnv } from '../lib/runtime/common-env.ts';
import { parseEnv } from '../lib/runtime/env.ts';
import { createLogger } from '../lib/runtime/observability.ts';

const env = parseEnv(
  TableEnv.extend(PoliciesEnv.shape).extend({
    DISPATCH_QUEUE_URL: z.string().url(),
    MAX_BODY_BYTES: positiveInt(262_144),
  }),
);
const logger = createLogger();
const policies = loadPolicyCatalog(env.CAMPAIGN_POLICIES_FILE);
const store = new DynamoAssignmentStore(new DynamoDBClient({}), env.TABLE_NAME);
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
    { store, queue, clock, policyFor: (id) => policies.get(id) },
    {
      campaignId,
      body: event.parsedBody,
      dryRun,
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
    },
  );
  switch (outcome.kind) {
    case 'problem':
      logger.info('submission refused', {
        status: outcome.problem.status,
        errors: outcome.problem.errors?.length,
      });
      return problemResponse(outcome.problem);
    case 'plan':
      return json(200, outcome.body);
    case 'accepted':
      logger.info('assignment accepted', {
        audit: { action: 'assignment.accepted', ...outcome.body, replayed: outcome.statusCode === 200 },
      });
      return json(outcome.statusCode, outcome.body, {
        location: `/assignments/${outcome.body.assignmentId}`,
      });
  }
}

export const handler = middy(submit)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(problemErrors(logger))
  .use(bodyLimit(env.MAX_BODY_BYTES))
  .use(requireJsonContentType())
  .use(parseJsonBody());
