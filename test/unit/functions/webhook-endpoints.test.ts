// The webhook-endpoint HTTP handlers: each route's statuses and problem documents, on mocked DynamoDB and KMS.
import { EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { coldStart, httpResult, TABLE_NAME, WFM_QUEUE_URL } from '../../support/handler-env.ts';
import { type HttpRequest, httpEvent, lambdaContext } from '../../support/lambda-events.ts';
import { printedLines } from '../../support/printed-lines.ts';

const doc = mockClient(DynamoDBDocumentClient);
const kms = mockClient(KMSClient);
const sqs = mockClient(SQSClient);
const ID = 'ep_0193c2a1f0b24c7d9e8f1a2b';
const KEY = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const stored = {
  pk: 'WEBHOOK_ENDPOINTS',
  sk: `ENDPOINT#${ID}`,
  id: ID,
  url: 'http://127.0.0.1:4020/hooks',
  description: '',
  eventTypes: ['*'],
  enabled: true,
  createdAt: '2025-03-10T12:00:00.000Z',
  updatedAt: '2025-03-10T12:00:00.000Z',
  sealedSecret: 'Y2lwaGVy',
};

afterAll(() => {
  for (const mock of [doc, kms, sqs]) mock.restore();
});
beforeEach(() => {
  for (const mock of [doc, kms, sqs]) mock.reset();
  kms.on(EncryptCommand).resolves({ CiphertextBlob: Buffer.from('cipher') });
  doc.on(PutCommand).resolves({});
  doc.on(GetCommand).resolves({});
  doc.on(GetCommand, { Key: { pk: 'WEBHOOK_ENDPOINTS', sk: `ENDPOINT#${ID}` } }).resolves({ Item: stored });
});

type Handler = (event: unknown, context: unknown) => Promise<unknown>;
async function load(
  file: string,
  env: Record<string, string>,
): Promise<(request: HttpRequest) => Promise<ReturnType<typeof httpResult>>> {
  coldStart({ TABLE_NAME, WFM_ALLOW_PRIVATE_TARGETS: 'loopback', ...env });
  const { handler } = (await import(`../../../functions/${file}.ts`)) as { handler: Handler };
  return async (request) => httpResult(await handler(httpEvent(request), lambdaContext(10_000)));
}
const write = () => load('webhook-endpoints-write', { WFM_ENDPOINT_KEY_ID: KEY });
const read = () => load('webhook-endpoints-read', {});
const replay = () => load('webhook-endpoint-replay', { WFM_QUEUE_URL });
const json = { 'content-type': 'application/json' };
const route = (method: string, path: string): HttpRequest => ({
  method,
  routeKey: `${method} ${path}`,
  path: path.replace('{id}', ID),
  pathParameters: path.includes('{id}') ? { id: ID } : {},
});

describe('POST /webhooks/endpoints', () => {
  it('creates an endpoint: 201, Location, the secret once, an audit line without it', async () => {
    const call = await write();
    const { result, lines } = await printedLines(() =>
      call({
        ...route('POST', '/webhooks/endpoints'),
        headers: json,
        body: JSON.stringify({ url: 'http://127.0.0.1:4020/hooks' }),
      }),
    );
    expect(result.statusCode).toBe(201);
    expect(result.headers.location).toBe(`/webhooks/endpoints/${result.body.id}`);
    expect(result.body.secret).toMatch(/^whsec_/);
    const item = doc.commandCalls(PutCommand)[0]?.args[0].input.Item;
    expect(item?.sealedSecret).toBe(Buffer.from('cipher').toString('base64'));
    expect(JSON.stringify(item)).not.toContain(result.body.secret);
    expect(lines.find((line) => line.message === 'webhook_endpoint.created')).toBeDefined();
    expect(JSON.stringify(lines)).not.toContain(result.body.secret);
  });

  it('answers 422 with every error, 415 without JSON, 400 for malformed JSON', async () => {
    const call = await write();
    const invalid = await call({
      ...route('POST', '/webhooks/endpoints'),
      headers: json,
      body: JSON.stringify({ url: 'https://wfm.example.com/hooks', eventTypes: [], extra: 1 }),
    });
    expect(invalid.statusCode).toBe(422);
    expect(invalid.headers['content-type']).toBe('application/problem+json');
    expect(invalid.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'eventTypes',
      'extra',
      'url',
    ]);
    const notJson = await call({ ...route('POST', '/webhooks/endpoints'), body: 'url=x' });
    expect(notJson.statusCode).toBe(415);
    const malformed = await call({ ...route('POST', '/webhooks/endpoints'), headers: json, body: '{"url":' });
    expect(malformed.statusCode).toBe(400);
    expect(doc.commandCalls(PutCommand)).toHaveLength(0);
  });
});

describe('PATCH, DELETE and rotate-secret', () => {
  it('answers 404 for an unknown endpoint on every route', async () => {
    const call = await write();
    const other = 'ep_000000000000000000000000';
    for (const [method, suffix, body] of [
      ['PATCH', '', '{}'],
      ['DELETE', '', undefined],
      ['POST', '/rotate-secret', undefined],
    ] as const) {
      doc.on(DeleteCommand).resolves({});
      const answer = await call({
        method,
        routeKey: `${method} /webhooks/endpoints/{id}${suffix}`,
        path: `/webhooks/endpoints/${other}${suffix}`,
        pathParameters: { id: other },
        ...(body === undefined ? {} : { headers: json, body }),
      });
      expect(answer.statusCode, `${method} ${suffix}`).toBe(404);
    }
  });

  it('deletes with 204 and no body; rotates with or without a body, refusing a body that is not the options', async () => {
    doc.on(DeleteCommand).resolves({ Attributes: stored });
    doc.on(UpdateCommand).resolves({ Attributes: stored });
    const call = await write();
    const deleted = await call(route('DELETE', '/webhooks/endpoints/{id}'));
    expect(deleted).toMatchObject({ statusCode: 204, body: undefined });
    const rotated = await call(route('POST', '/webhooks/endpoints/{id}/rotate-secret'));
    expect(rotated.statusCode).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    const withBody = await call({
      ...route('POST', '/webhooks/endpoints/{id}/rotate-secret'),
      headers: json,
      body: JSON.stringify({ gracePeriodSeconds: 0 }),
    });
    expect(withBody.body).not.toHaveProperty('previousSecretExpiresAt');
    const nullBody = await call({
      ...route('POST', '/webhooks/endpoints/{id}/rotate-secret'),
      headers: json,
      body: 'null',
    });
    expect(nullBody.statusCode).toBe(422);
  });
});

describe('GET routes', () => {
  it('lists without secrets, refuses a bad limit (400) and a cursor it did not give out (422)', async () => {
    doc.on(QueryCommand).resolves({ Items: [stored] });
    const call = await read();
    const listed = await call({ ...route('GET', '/webhooks/endpoints'), query: { limit: '10' } });
    expect(listed.statusCode).toBe(200);
    expect(listed.body.items).toEqual([expect.objectContaining({ id: ID })]);
    expect(JSON.stringify(listed.body)).not.toContain('sealed');
    expect((await call({ ...route('GET', '/webhooks/endpoints'), query: { limit: '0' } })).statusCode).toBe(
      400,
    );
    const foreign = await call({ ...route('GET', '/webhooks/endpoints'), query: { cursor: 'bm9wZQ' } });
    expect(foreign.statusCode).toBe(422);
    expect(foreign.body.errors).toEqual([
      expect.objectContaining({ path: 'cursor', code: 'invalid_cursor' }),
    ]);
  });

  it('reads one endpoint and its deliveries, 404 for an unknown one', async () => {
    doc.on(QueryCommand).resolves({ Items: [] });
    const call = await read();
    expect((await call(route('GET', '/webhooks/endpoints/{id}'))).body).toMatchObject({
      id: ID,
      enabled: true,
    });
    expect((await call(route('GET', '/webhooks/endpoints/{id}/deliveries'))).body).toEqual({ items: [] });
    const unknown = await call({
      method: 'GET',
      routeKey: 'GET /webhooks/endpoints/{id}',
      path: '/webhooks/endpoints/nope',
      pathParameters: { id: 'nope' },
    });
    expect(unknown.statusCode).toBe(404);
  });
});

describe('POST /webhooks/endpoints/{id}/replay', () => {
  it('queues the window’s events for that endpoint and answers 202 with their number', async () => {
    doc.on(QueryCommand).resolves({ Items: [] });
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const call = await replay();
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const accepted = await call({
      ...route('POST', '/webhooks/endpoints/{id}/replay'),
      headers: json,
      body: JSON.stringify({ since }),
    });
    expect(accepted).toMatchObject({ statusCode: 202, body: { events: 0 } });
    const empty = await call({
      ...route('POST', '/webhooks/endpoints/{id}/replay'),
      headers: json,
      body: JSON.stringify({ since, until: since }),
    });
    expect(empty.statusCode).toBe(422);
  });
});
