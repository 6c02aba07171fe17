import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiGateway,
  fromHandlerResult,
  type GatewayRoute,
  LOCAL_ADMIN_TOKEN,
  localTokens,
  matchRoute,
  startApiGateway,
  toApiGatewayEvent,
} from '../../../infra/local/api-gateway.ts';
import { httpRouteOf } from '../../../infra/local/functions.ts';
import type { Invocation } from '../../../infra/local/lambda-runtime.ts';

function route(
  spec: unknown,
  respond: (event: APIGatewayProxyEventV2) => unknown = () => ({}),
): GatewayRoute & {
  events: APIGatewayProxyEventV2[];
} {
  const events: APIGatewayProxyEventV2[] = [];
  const httpRoute = httpRouteOf(spec);
  return {
    route: httpRoute,
    functionName: httpRoute.routeKey,
    events,
    invoke: async (event): Promise<Invocation> => {
      events.push(event);
      try {
        return { ok: true, value: await respond(event), durationMs: 1 };
      } catch (error) {
        return { ok: false, error: error as Error, durationMs: 1 };
      }
    },
  };
}

describe('matchRoute', () => {
  const routes = [
    route({ method: 'PUT', path: '/campaigns/{campaignId}/agents' }),
    route({ method: 'GET', path: '/campaigns/{campaignId}/agents' }),
    route({ method: 'GET', path: '/campaigns/special/agents' }),
    route({ method: 'GET', path: '/health' }),
    route('ANY /files/{path+}'),
  ];

  it('picks the route by method and extracts decoded path parameters', () => {
    const match = matchRoute(routes, 'PUT', '/campaigns/abc%20d/agents');
    expect(match.kind).toBe('found');
    if (match.kind !== 'found') return;
    expect(match.entry.route.routeKey).toBe('PUT /campaigns/{campaignId}/agents');
    expect(match.pathParameters).toEqual({ campaignId: 'abc d' });
  });

  it('prefers a literal segment over a path variable', () => {
    const match = matchRoute(routes, 'GET', '/campaigns/special/agents');
    expect(match.kind === 'found' && match.entry.route.path).toBe('/campaigns/special/agents');
  });

  it('matches a greedy variable over the rest of the path, with any method', () => {
    const match = matchRoute(routes, 'DELETE', '/files/a/b/c.txt');
    expect(match.kind === 'found' && match.pathParameters).toEqual({ path: 'a/b/c.txt' });
  });

  it('answers method-not-allowed with the allowed methods for a known path', () => {
    expect(matchRoute(routes, 'DELETE', '/health')).toEqual({ kind: 'method-not-allowed', allowed: ['GET'] });
  });

  it('does not match a trailing slash, an extra segment or an empty variable', () => {
    expect(matchRoute(routes, 'GET', '/health/').kind).toBe('not-found');
    expect(matchRoute(routes, 'GET', '/health/x').kind).toBe('not-found');
    expect(matchRoute(routes, 'GET', '/campaigns//agents').kind).toBe('not-found');
  });

  it('falls back to $default when declared', () => {
    const match = matchRoute([...routes, route('*')], 'POST', '/anything');
    expect(match.kind === 'found' && match.entry.route.routeKey).toBe('$default');
  });
});

describe('toApiGatewayEvent', () => {
  const put = httpRouteOf({
    method: 'PUT',
    path: '/campaigns/{campaignId}/agents',
    authorizer: { type: 'aws_iam' },
  });
  const request = {
    method: 'PUT',
    target: '/campaigns/c1/agents?dryRun=true&tag=a&tag=b',
    rawHeaders: [
      'Content-Type',
      'application/json',
      'X-Multi',
      'one',
      'x-multi',
      'two',
      'Cookie',
      'a=1; b=2',
      'User-Agent',
      'tester/1',
      'Host',
      '127.0.0.1:3000',
    ],
    body: Buffer.from('{"agents":[]}'),
    sourceIp: '127.0.0.1',
    localPort: 3000,
    requestId: 'req-1',
  };

  it('builds a payload format 2.0 event', () => {
    const now = new Date('2025-03-09T14:30:05Z');
    const caller = localTokens()[0];
    const event = toApiGatewayEvent(request, put, { campaignId: 'c1' }, caller, now);
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'PUT /campaigns/{campaignId}/agents',
      rawPath: '/campaigns/c1/agents',
      rawQueryString: 'dryRun=true&tag=a&tag=b',
      cookies: ['a=1', 'b=2'],
      queryStringParameters: { dryRun: 'true', tag: 'a,b' },
      pathParameters: { campaignId: 'c1' },
      body: '{"agents":[]}',
      isBase64Encoded: false,
      requestContext: {
        accountId: '123456789012',
        http: { method: 'PUT', path: '/campaigns/c1/agents', sourceIp: '127.0.0.1', userAgent: 'tester/1' },
        requestId: 'req-1',
        routeKey: 'PUT /campaigns/{campaignId}/agents',
        stage: '$default',
        time: '09/Mar/2025:14:30:05 +0000',
        timeEpoch: now.getTime(),
      },
    });
    expect(event.headers).toMatchObject({ 'content-type': 'application/json', 'x-multi': 'one,two' });
    expect(event.headers.cookie).toBeUndefined();
    expect((event.requestContext as unknown as { authorizer: unknown }).authorizer).toMatchObject({
      iam: { userArn: 'arn:aws:iam::123456789012:user/local-api-client' },
    });
  });

  it('passes a JWT route the claims and scopes of the token it was called with', () => {
    const jwtRoute = httpRouteOf({
      method: 'PUT',
      path: '/campaigns/{campaignId}',
      authorizer: { name: 'jwt', scopes: ['campaigns:admin'] },
    });
    const admin = localTokens()[1];
    const event = toApiGatewayEvent(request, jwtRoute, {}, admin);
    expect((event.requestContext as unknown as { authorizer: unknown }).authorizer).toMatchObject({
      jwt: {
        claims: { sub: 'local-admin', scope: expect.stringContaining('campaigns:admin') },
        scopes: expect.arrayContaining(['campaigns:admin', 'assignments:write', 'webhooks:admin']),
      },
    });
  });

  it('base64-encodes a body that is not text and omits absent parts', () => {
    const binary = { ...request, target: '/x', rawHeaders: ['Content-Type', 'application/octet-stream'] };
    const event = toApiGatewayEvent({ ...binary, body: Buffer.from([0, 255]) }, put, {}, undefined);
    expect(event.isBase64Encoded).toBe(true);
    expect(event.body).toBe(Buffer.from([0, 255]).toString('base64'));
    expect(event.queryStringParameters).toBeUndefined();
    expect(event.pathParameters).toBeUndefined();
    expect(event.cookies).toBeUndefined();
    const empty = toApiGatewayEvent({ ...binary, body: Buffer.alloc(0) }, put, {}, undefined);
    expect(empty.body).toBeUndefined();
    expect(empty.isBase64Encoded).toBe(false);
  });
});

describe('fromHandlerResult', () => {
  it('uses a structured result as is, decoding a base64 body', () => {
    const result = fromHandlerResult({
      statusCode: 201,
      headers: { 'Content-Type': 'text/plain', Location: '/x' },
      cookies: ['s=1; HttpOnly'],
      body: Buffer.from('hello').toString('base64'),
      isBase64Encoded: true,
    });
    expect(result.statusCode).toBe(201);
    expect(result.headers).toEqual({ 'content-type': 'text/plain', location: '/x' });
    expect(result.cookies).toEqual(['s=1; HttpOnly']);
    expect(result.body.toString()).toBe('hello');
  });

  it('turns a result without statusCode into a 200 JSON body', () => {
    const result = fromHandlerResult({ status: 'ok' });
    expect(result.statusCode).toBe(200);
    expect(result.headers['content-type']).toBe('application/json');
    expect(JSON.parse(result.body.toString())).toEqual({ status: 'ok' });
  });
});

describe('startApiGateway', () => {
  const token = 'test-token';
  const echo = route({ method: 'PUT', path: '/items/{id}', authorizer: { type: 'aws_iam' } }, (event) => ({
    statusCode: 202,
    headers: { 'content-type': 'application/json' },
    cookies: ['a=1', 'b=2'],
    body: JSON.stringify({ id: event.pathParameters?.id, body: event.body }),
  }));
  const open = route({ method: 'GET', path: '/open' }, () => ({ statusCode: 200, body: 'fine' }));
  const admin = route(
    { method: 'DELETE', path: '/admin/{id}', authorizer: { name: 'jwt', scopes: ['campaigns:admin'] } },
    () => ({ statusCode: 204 }),
  );
  const broken = route({ method: 'GET', path: '/broken', authorizer: { type: 'aws_iam' } }, () => {
    throw new Error('boom');
  });
  let api: ApiGateway;

  beforeAll(async () => {
    api = await startApiGateway({ routes: [echo, open, broken, admin], apiToken: token });
  });
  afterAll(async () => {
    await api.close();
  });

  const auth = { authorization: `Bearer ${token}` };

  it('invokes the handler and writes its status, headers, cookies and body back', async () => {
    const response = await fetch(`${api.url}/items/42`, { method: 'PUT', headers: auth, body: 'payload' });
    expect(response.status).toBe(202);
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(response.headers.get('apigw-requestid')).toBe(echo.events.at(-1)?.requestContext.requestId);
    expect(await response.json()).toEqual({ id: '42', body: 'payload' });
  });

  it('refuses a missing or wrong token with 401 problem+json before invoking the handler', async () => {
    const invoked = echo.events.length;
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer nope' },
      { authorization: token },
    ];
    for (const headers of attempts) {
      const response = await fetch(`${api.url}/items/1`, { method: 'PUT', headers, body: 'x' });
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(await response.json()).toMatchObject({ status: 401, title: 'Unauthorized' });
    }
    expect(echo.events.length).toBe(invoked);
  });

  it('answers 403 problem+json to a valid token without the route’s scope, and lets the admin token in', async () => {
    const forbidden = await fetch(`${api.url}/admin/1`, { method: 'DELETE', headers: auth });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('content-type')).toBe('application/problem+json');
    expect(await forbidden.json()).toMatchObject({
      status: 403,
      type: 'https://cxone-assignments.dev/problems/forbidden',
      detail: expect.stringContaining('campaigns:admin'),
    });
    expect(admin.events).toHaveLength(0);
    const allowed = await fetch(`${api.url}/admin/1`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${LOCAL_ADMIN_TOKEN}` },
    });
    expect(allowed.status).toBe(204);
    // A route that names no scope takes either token.
    const anyToken = await fetch(`${api.url}/items/2`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${LOCAL_ADMIN_TOKEN}` },
      body: 'x',
    });
    expect(anyToken.status).toBe(202);
  });

  it('leaves a route without an authorizer open', async () => {
    const response = await fetch(`${api.url}/open`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('fine');
  });

  it('answers unknown routes with 404 and wrong methods with 405, as problem+json', async () => {
    const missing = await fetch(`${api.url}/nowhere`, { headers: auth });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
    const wrongMethod = await fetch(`${api.url}/items/1`, { method: 'GET', headers: auth });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('PUT');
    expect(await wrongMethod.json()).toMatchObject({ status: 405 });
  });

  it('answers 500 when the handler throws', async () => {
    const response = await fetch(`${api.url}/broken`, { headers: auth });
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ status: 500 });
  });

  it('refuses a body over API Gateway’s 10 MB limit with 413, passing a large one under it', async () => {
    const over = await fetch(`${api.url}/items/1`, {
      method: 'PUT',
      headers: auth,
      body: Buffer.alloc(10 * 1024 * 1024 + 1, 97),
    });
    expect(over.status).toBe(413);
    const under = await fetch(`${api.url}/items/1`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'text/plain' },
      body: Buffer.alloc(1024 * 1024, 97),
    });
    expect(under.status).toBe(202);
    expect(((await under.json()) as { body: string }).body.length).toBe(1024 * 1024);
  });
});
