import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { DynamoAssignmentStore } from '../lib/adapters/dynamo-assignment-store.ts';
import { assignmentView } from '../lib/app/queries.ts';
import { problemOf } from '../lib/domain/problem.ts';
import { problemErrors } from '../lib/http/middlewares.ts';
import { type HttpResponse, json, problemResponse } from '../lib/http/responses.ts';
import { TableEnv } from '../lib/runtime/common-env.ts';
import { parseEnv } from '../lib/runtime/env.ts';
import { createLogger } from '../lib/runtime/observability.ts';

const env = parseEnv(TableEnv);
const logger = createLogger();
const store = new DynamoAssignmentStore(new DynamoDBClient({}), env.TABLE_NAME);

async function getAssignment(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
  const assignmentId = event.pathParameters?.assignmentId ?? '';
  const record = assignmentId.length <= 128 ? await store.getAssignment(assignmentId) : undefined;
  if (!record)
    return problemResponse(
      problemOf('not-found', `Assignment ${assignmentId.slice(0, 128)} does not exist.`),
    );
  return json(200, assignmentView(record));
}

export const handler = middy(getAssignment)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(problemErrors(logger));
