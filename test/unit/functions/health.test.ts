import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { coldStart, DISPATCH_QUEUE_URL, httpResult, TABLE_NAME } from '../../support/handler-env.ts';
import { httpEvent, lambdaContext } from '../../support/lambda-events.ts';

const dynamo = mockClient(DynamoDBClient);
const sqs = mockClient(SQSClient);

async function loadHandler() {
  coldStart({ TABLE_NAME, DISPATCH_QUEUE_URL });
  return (await import('../../../functions/health.ts')).handler;
}

const call = async (handler: Awaited<ReturnType<typeof loadHandler>>) =>
  httpResult(await handler(httpEvent({ method: 'GET', path: '/health' }), lambdaContext()));

beforeEach(() => {
  dynamo.reset();
  sqs.reset();
});
afterAll(() => {
  dynamo.restore();
  sqs.restore();
});

describe('GET /health', () => {
  it('answers 200 {"status":"ok"} once the table and the dispatch queue answer', async () => {
    dynamo.on(DescribeTableCommand).resolves({ Table: { TableName: TABLE_NAME, TableStatus: 'ACTIVE' } });
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { QueueArn: 'arn' } });
    const result = await call(await loadHandler());
    expect(result).toMatchObject({ statusCode: 200, body: { status: 'ok' } });
    expect(result.headers['content-type']).toBe('application/json');
    expect(dynamo.commandCalls(DescribeTableCommand)[0]?.args[0].input).toEqual({ TableName: TABLE_NAME });
    expect(sqs.commandCalls(GetQueueAttributesCommand)[0]?.args[0].input).toMatchObject({
      QueueUrl: DISPATCH_QUEUE_URL,
    });
  });

  it('answers 503 naming the part that does not answer', async () => {
    dynamo.on(DescribeTableCommand).resolves({ Table: { TableName: TABLE_NAME } });
    sqs.on(GetQueueAttributesCommand).rejects(new Error('connect ECONNREFUSED'));
    const result = await call(await loadHandler());
    expect(result).toEqual({
      statusCode: 503,
      headers: expect.any(Object),
      body: { status: 'unavailable', checks: { table: 'ok', dispatchQueue: 'unavailable' } },
    });
  });

  it('answers 503 when the table is missing', async () => {
    dynamo
      .on(DescribeTableCommand)
      .rejects(Object.assign(new Error('no table'), { name: 'ResourceNotFoundException' }));
    sqs.on(GetQueueAttributesCommand).resolves({});
    const result = await call(await loadHandler());
    expect(result.statusCode).toBe(503);
    expect(result.body.checks).toEqual({ table: 'unavailable', dispatchQueue: 'ok' });
  });
});
