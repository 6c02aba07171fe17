import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { DynamoAssignmentStore } from '../lib/adapters/dynamo-assignment-store.ts';
import { queryAssignment } from '../lib/app/queries.ts';
import { problemErrors } from '../lib/http/middlewares.ts';
import { problemOf } from '../lib/http/problem.ts';
import { type HttpResponse, json, problemResponse } from '../lib/http/responses.ts';
import { TableEnv } from '../lib/runtime/common-env.ts';
import { parseEnv } from '../lib/runtime/env.ts';
import { createLogger } from '../lib/runtime/observability.ts';

const env = parseEnv(TableEnv);
const logger = createLogger();
const store = new DynamoAssignmentStore(new DynamoDBClient({}), env.TABLE_NAME);

async function getAssignment(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
  const assignmentId = event.pathParameters?.assignmentId ?? '';
  const outcome = await queryAssignment(store, assignmentId);
  if (outcome.kind === 'found') return json(200, outcome.view);
  return problemResponse(problemOf('not-found', `Assignment ${assignmentId.slice(0, 128)} does not exist.`));
}

export const handler = middy(getAssignment)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(problemErrors(logger));
