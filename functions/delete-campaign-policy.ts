import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { DynamoPolicyStore } from '../lib/adapters/dynamo-policy-store.ts';
import { DynamoScheduleIndex } from '../lib/adapters/dynamo-schedule-index.ts';
import { SqsWfmEventQueue } from '../lib/adapters/sqs-queues.ts';
import { deletePolicy } from '../lib/app/policies.ts';
import { parseIfMatch } from '../lib/http/conditional.ts';
import { problemErrors } from '../lib/http/middlewares.ts';
import { principalOf } from '../lib/http/principal.ts';
import { problemOf } from '../lib/http/problem.ts';
import { type HttpResponse, noContent, problemResponse } from '../lib/http/responses.ts';
import { TableEnv } from '../lib/runtime/common-env.ts';
import { extendEnv, parseEnv } from '../lib/runtime/env.ts';
import { createLogger } from '../lib/runtime/observability.ts';

const env = parseEnv(extendEnv(TableEnv, { WFM_QUEUE_URL: z.url() }));
const logger = createLogger();
const dynamo = new DynamoDBClient({});
const schedule = new DynamoScheduleIndex(dynamo, env.TABLE_NAME);
const deps = {
  policies: new DynamoPolicyStore(dynamo, env.TABLE_NAME),
  wfm: new SqsWfmEventQueue(new SQSClient({}), env.WFM_QUEUE_URL),
  clock: { now: () => new Date() },
};

/** DELETE /campaigns/{campaignId} with If-Match: the service stops managing the campaign (CXone is left as it is). */
async function remove(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
  const campaignId = event.pathParameters?.campaignId ?? '';
  const ifMatch = parseIfMatch(event.headers?.['if-match']);
  const outcome = await deletePolicy(deps, { campaignId, ...(ifMatch === undefined ? {} : { ifMatch }) });
  switch (outcome.kind) {
    case 'deleted':
      // A deleted campaign leaves the due index (the scheduler would also drop it when it next came due).
      await schedule
        .remove(campaignId)
        .catch((error: unknown) =>
          logger.error('could not remove the campaign from the due index', { error }),
        );
      logger.info('campaign policy deleted', {
        audit: {
          action: 'policy.deleted',
          campaignId,
          previousVersion: outcome.previousVersion,
          principal: principalOf(event),
        },
      });
      for (const failure of outcome.effectFailures) {
        logger.error('campaign policy deleted, but a follow-up failed', {
          effect: failure.effect,
          error: failure.error,
        });
      }
      return noContent();
    case 'not_found':
      return problemResponse(
        problemOf('not-found', `Campaign ${campaignId.slice(0, 128)} is not configured.`),
      );
    case 'precondition_failed':
      return problemResponse(
        problemOf('precondition-failed', 'If-Match is not the current ETag; GET the campaign policy again.'),
      );
    case 'precondition_required':
      return problemResponse(
        problemOf(
          'precondition-required',
          'Deleting a campaign policy needs If-Match with the ETag of GET /campaigns/{campaignId}.',
        ),
      );
  }
}

export const handler = middy(remove)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(problemErrors(logger));
