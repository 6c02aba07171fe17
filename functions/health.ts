import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import * as z from 'zod/mini';
import type { Health, HealthState } from '../lib/app/api-schemas.ts';
import { type HttpResponse, json } from '../lib/http/responses.ts';
import { TableEnv } from '../lib/runtime/common-env.ts';
import { extendEnv, parseEnv } from '../lib/runtime/env.ts';
import { createLogger } from '../lib/runtime/observability.ts';

const env = parseEnv(extendEnv(TableEnv, { DISPATCH_QUEUE_URL: z.url() }));
const logger = createLogger();
const dynamo = new DynamoDBClient({});
const sqs = new SQSClient({});

async function check(name: string, probe: () => Promise<unknown>): Promise<[string, HealthState]> {
  try {
    await probe();
    return [name, 'ok'];
  } catch (error) {
    logger.warn('health check failed', { check: name, error });
    return [name, 'unavailable'];
  }
}

/** 200 `{status:"ok"}` once the table and the dispatch queue answer; 503 naming what does not. */
async function health(): Promise<HttpResponse> {
  const checks = Object.fromEntries(
    await Promise.all([
      check('table', () => dynamo.send(new DescribeTableCommand({ TableName: env.TABLE_NAME }))),
      check('dispatchQueue', () =>
        sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: env.DISPATCH_QUEUE_URL, AttributeNames: ['QueueArn'] }),
        ),
      ),
    ]),
  );
  const healthy = Object.values(checks).every((state) => state === 'ok');
  const body: Health = healthy ? { status: 'ok' } : { status: 'unavailable', checks };
  return json(healthy ? 200 : 503, body);
}

export const handler = middy(health).use(injectLambdaContext(logger, { resetKeys: true }));
