import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  bodyLimit,
  parseJsonBody,
  problemErrors,
  requireJsonContentType,
} from '../../../lib/http/middlewares.ts';
import { problemOf } from '../../../lib/http/problem.ts';
import { HttpProblemError, type HttpResponse, json } from '../../../lib/http/responses.ts';
import { httpEvent, lambdaContext } from '../../support/lambda-events.ts';

function recordingLogger() {
  const errors: unknown[][] = [];
  return { errors, error: (message: string, ...extra: unknown[]) => errors.push([message, ...extra]) };
}

/** The submit chain: problemErrors, body limit, content type, JSON; the handler echoes the parsed body. */
function submitChain(maxBytes = 64) {
  const logger = recordingLogger();
  const handler = middy(
    async (event: APIGatewayProxyEventV2 & { parsedBody?: unknown }): Promise<HttpResponse> =>
      json(200, { received: event.parsedBody }),
  )
    .use(problemErrors(logger))
    .use(bodyLimit(maxBytes))
    .use(requireJsonContentType())
    .use(parseJsonBody());
  const call = (
    body: string | undefined,
    headers: Record<string, string> = { 'content-type': 'application/json' },
    isBase64Encoded = false,
  ) =>
    handler(
      httpEvent({
        method: 'PUT',
        path: '/x',
        headers,
        ...(body === undefined ? {} : { body }),
        isBase64Encoded,
      }),
      lambdaContext(),
    ) as Promise<HttpResponse>;
  return { call, logger };
}

const parse = (response: HttpResponse) => JSON.parse(String(response.body)) as Record<string, unknown>;

describe('bodyLimit', () => {
  it('lets a body of exactly the limit through and refuses one byte more with 413', async () => {
    const { call } = submitChain(10);
    expect((await call('"12345678"')).statusCode).toBe(200);
    const tooLarge = await call('"123456789"');
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.headers?.['content-type']).toBe('application/problem+json');
    expect(parse(tooLarge)).toMatchObject({
      status: 413,
      detail: 'The body is 11 bytes; the limit is 10 bytes.',
    });
  });

  it('counts UTF-8 bytes, not characters, and decoded bytes of a base64 body', async () => {
    const { call } = submitChain(10);
    expect((await call('"ééééé"')).statusCode).toBe(413); // 7 characters, 12 bytes
    const encoded = Buffer.from('"12345678"').toString('base64'); // 16 characters, 10 bytes decoded
    expect((await call(encoded, { 'content-type': 'application/json' }, true)).statusCode).toBe(200);
  });

  it('checks the size before the content type', async () => {
    const { call } = submitChain(4);
    expect((await call('hello world', { 'content-type': 'text/plain' })).statusCode).toBe(413);
  });
});

describe('requireJsonContentType', () => {
  it.each([
    'application/json',
    'application/json; charset=utf-8',
    'Application/JSON',
    'application/merge-patch+json',
  ])('accepts %s', async (contentType) => {
    const { call } = submitChain();
    expect((await call('{"a":1}', { 'content-type': contentType })).statusCode).toBe(200);
  });

  it.each(['text/plain', 'application/jsonx', 'application/x-www-form-urlencoded', 'text/json'])(
    'refuses %s with 415',
    async (contentType) => {
      const { call } = submitChain();
      const response = await call('{"a":1}', { 'content-type': contentType });
      expect(response.statusCode).toBe(415);
      expect(parse(response)).toMatchObject({
        status: 415,
        type: expect.stringMatching(/unsupported-media-type$/),
      });
    },
  );

  it('refuses a missing Content-Type with 415 and says what to send', async () => {
    const { call } = submitChain();
    const response = await call('{"a":1}', {});
    expect(response.statusCode).toBe(415);
    expect(parse(response).detail).toMatch(/application\/json/);
  });
});

describe('parseJsonBody', () => {
  it('hands the parsed body to the handler', async () => {
    const { call } = submitChain();
    expect(parse(await call('{"agents":[1,2]}'))).toEqual({ received: { agents: [1, 2] } });
  });

  it('decodes a base64 body first', async () => {
    const { call } = submitChain();
    const response = await call(
      Buffer.from('{"a":"ü"}').toString('base64'),
      { 'content-type': 'application/json' },
      true,
    );
    expect(parse(response)).toEqual({ received: { a: 'ü' } });
  });

  it.each([
    ['malformed', '{"agents": ['],
    ['empty', ''],
    ['missing', undefined],
  ])('answers 400 malformed-json for a %s body', async (_label, body) => {
    const { call } = submitChain();
    const response = await call(body);
    expect(response.statusCode).toBe(400);
    expect(parse(response)).toMatchObject({
      status: 400,
      type: expect.stringMatching(/malformed-json$/),
      detail: expect.stringMatching(/^The body is not valid JSON/),
    });
  });
});

describe('problemErrors', () => {
  it('renders an HttpProblemError thrown by the handler as its problem', async () => {
    const logger = recordingLogger();
    const handler = middy(async (): Promise<HttpResponse> => {
      throw new HttpProblemError(problemOf('conflict', 'busy'));
    }).use(problemErrors(logger));
    const response = (await handler(
      httpEvent({ method: 'GET', path: '/x' }),
      lambdaContext(),
    )) as HttpResponse;
    expect(response.statusCode).toBe(409);
    expect(parse(response)).toMatchObject({ status: 409, detail: 'busy' });
    expect(logger.errors).toEqual([]);
  });

  it('answers any other error with a 500 that reveals nothing, and logs it', async () => {
    const logger = recordingLogger();
    const failure = new Error('ddb://table-name secret detail');
    const handler = middy(async (): Promise<HttpResponse> => {
      throw failure;
    }).use(problemErrors(logger));
    const response = (await handler(
      httpEvent({ method: 'GET', path: '/x' }),
      lambdaContext(),
    )) as HttpResponse;
    expect(response.statusCode).toBe(500);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    expect(String(response.body)).not.toContain('secret');
    expect(parse(response)).toMatchObject({ status: 500, type: expect.stringMatching(/internal$/) });
    expect(logger.errors).toEqual([['unhandled error', { error: failure }]]);
  });
});
