import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { tablePolicies } from '../lib/adapters/cached-policies.ts';
import { DynamoAssignmentStore } from '../lib/adapters/dynamo-assignment-store.ts';
import { queryCampaignAgents } from '../lib/app/queries.ts';
import { problemErrors } from '../lib/http/middlewares.ts';
import { problemOf } from '../lib/http/problem.ts';
import { type HttpResponse, json, problemResponse } from '../lib/http/responses.ts';
import { PoliciesEnv, TableEnv } from '../lib/runtime/common-env.ts';
import { extendEnv, parseEnv } from '../lib/runtime/env.ts';
import { createLogger } from '../lib/runtime/observability.ts';

const env = parseEnv(extendEnv(TableEnv, PoliciesEnv.shape));
const logger = createLogger();
const dynamo = new DynamoDBClient({});
const policies = tablePolicies(dynamo, env.TABLE_NAME, env.POLICY_CACHE_SECONDS);
const store = new DynamoAssignmentStore(dynamo, env.TABLE_NAME);

async function getCampaignAgents(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
  const campaignId = event.pathParameters?.campaignId ?? '';
  const outcome = await queryCampaignAgents({ store, policyFor: (id) => policies.policyFor(id) }, campaignId);
  switch (outcome.kind) {
    case 'found':
      return json(200, outcome.view);
    case 'unknown_campaign':
      return problemResponse(
        problemOf('not-found', `Campaign ${campaignId.slice(0, 128)} is not configured.`),
      );
    case 'no_desired_state':
      return problemResponse(problemOf('not-found', `Campaign ${campaignId} has no desired state yet.`));
  }
}

export const handler = middy(getCampaignAgents)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(problemErrors(logger));
