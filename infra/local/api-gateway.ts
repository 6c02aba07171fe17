// A local stand-in for the HTTP API: matches the routes serverless.yml declares, turns each request into an
// API Gateway payload format 2.0 event, invokes the real handler and writes its result back.
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { problemOf } from '../../lib/http/problem.ts';
import { API_SCOPES, type ApiScope } from '../../lib/http/scopes.ts';
import type { HttpRoute } from './functions.ts';
import type { Invocation } from './lambda-runtime.ts';
import { LOCAL_ACCOUNT_ID } from './moto.ts';

/** API Gateway's own request payload limit; the handler enforces the API's smaller limit itself. */
export const MAX_GATEWAY_BODY_BYTES = 10 * 1024 * 1024;
/** LOCAL-ONLY default bearer token of the local API (`API_TOKEN` overrides it). Not a secret. */
export const LOCAL_API_TOKEN = 'local-dev-token';
/** LOCAL-ONLY default bearer token with every scope (`API_ADMIN_TOKEN` overrides it). Not a secret. */
export const LOCAL_ADMIN_TOKEN = 'local-admin-token';
/** What the API token may do: submit and read assignments (`assignments:*`). */
export const API_TOKEN_SCOPES: readonly ApiScope[] = ['assignments:write', 'assignments:read'];

/** A bearer token of the local API and the JWT it stands for: its subject and scopes. */
export interface LocalToken {
  token: string;
  subject: string;
  scopes: readonly string[];
}

/** The local API's two tokens: `apiToken` with `assignments:*`, `adminToken` with every scope. */
export function localTokens(apiToken = LOCAL_API_TOKEN, adminToken = LOCAL_ADMIN_TOKEN): LocalToken[] {
  return [
    { token: apiToken, subject: 'local-api-client', scopes: API_TOKEN_SCOPES },
    { token: adminToken, subject: 'local-admin', scopes: API_SCOPES },
  ];
}

export interface GatewayRoute {
  route: HttpRoute;
  functionName: string;
  invoke(event: APIGatewayProxyEventV2): Promise<Invocation>;
}

export interface ApiGatewayOptions {
  routes: GatewayRoute[];
  port?: number;
  host?: string;
  /** Bearer token with `assignments:*`; default LOCAL_API_TOKEN. */
  apiToken?: string;
  /** Bearer token with every scope; default LOCAL_ADMIN_TOKEN. */
  adminToken?: string;
  log?: (line: string) => void;
}

export interface ApiGateway {
  url: string;
  port: number;
  close(): Promise<void>;
}

export type RouteMatch =
  | { kind: 'found'; entry: GatewayRoute; pathParameters: Record<string, string> }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'not-found' };

class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';
}

/** Segments of a path template match one by one; `{name}` one segment, a final `{name+}` the rest. */
function matchTemplate(template: string, path: string): Record<string, string> | undefined {
  const wanted = template.split('/').slice(1);
  const actual = path.split('/').slice(1);
  const parameters: Record<string, string> = {};
  for (let i = 0; i < wanted.length; i++) {
    const segment = wanted[i] as string;
    const greedy = /^\{(.+)\+\}$/.exec(segment);
    if (greedy && i === wanted.length - 1) {
      const rest = actual.slice(i);
      if (rest.length === 0 || rest.join('/') === '') return undefined;
      parameters[greedy[1] as string] = decode(rest.join('/'));
      return parameters;
    }
    const value = actual[i];
    if (value === undefined) return undefined;
    const variable = /^\{(.+)\}$/.exec(segment);
    if (variable) {
      if (value === '') return undefined;
      parameters[variable[1] as string] = decode(value);
    } else if (segment !== value) return undefined;
  }
  return wanted.length === actual.length ? parameters : undefined;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** How specific a template is: literal segments first, then fewer variables; greedy last. */
function specificity(template: string): number {
  const segments = template.split('/').slice(1);
  const literals = segments.filter((s) => !s.startsWith('{')).length;
  const greedy = segments.some((s) => s.endsWith('+}')) ? 1 : 0;
  return literals * 1000 + segments.length * 10 - greedy * 5000;
}

/** API Gateway's route selection: most specific path, exact method before ANY, `$default` last. */
export function matchRoute(routes: GatewayRoute[], method: string, path: string): RouteMatch {
  const candidates = routes
    .filter((entry) => entry.route.path !== '$default')
    .map((entry) => ({ entry, parameters: matchTemplate(entry.route.path, path) }))
    .filter(
      (c): c is { entry: GatewayRoute; parameters: Record<string, string> } => c.parameters !== undefined,
    )
    .sort((a, b) => specificity(b.entry.route.path) - specificity(a.entry.route.path));
  const byMethod =
    candidates.find((c) => c.entry.route.method === method) ??
    candidates.find((c) => c.entry.route.method === 'ANY');
  if (byMethod) return { kind: 'found', entry: byMethod.entry, pathParameters: byMethod.parameters };
  const fallback = routes.find((entry) => entry.route.path === '$default');
  if (fallback) return { kind: 'found', entry: fallback, pathParameters: {} };
  if (candidates.length > 0) {
    return { kind: 'method-not-allowed', allowed: [...new Set(candidates.map((c) => c.entry.route.method))] };
  }
  return { kind: 'not-found' };
}

const TEXT_CONTENT_TYPE =
  /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded)|[^;]*\+(json|xml))/i;

export interface GatewayRequest {
  method: string;
  /** The request target as received: path and query string, still percent-encoded. */
  target: string;
  /** Node's raw header list: name, value, name, value, … */
  rawHeaders: string[];
  body: Buffer;
  sourceIp: string;
  /** Port the API listens on (x-forwarded-port, and the domain name when the request has no Host). */
  localPort: number;
  /** Also sent back as the `apigw-requestid` response header. */
  requestId: string;
}

/** The payload format 2.0 event API Gateway would send for `request` on `match`'s route. */
export function toApiGatewayEvent(
  request: GatewayRequest,
  route: HttpRoute,
  pathParameters: Record<string, string>,
  caller: LocalToken | undefined,
  now = new Date(),
): APIGatewayProxyEventV2 {
  const queryAt = request.target.indexOf('?');
  const rawPath = queryAt < 0 ? request.target : request.target.slice(0, queryAt);
  const rawQueryString = queryAt < 0 ? '' : request.target.slice(queryAt + 1);

  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    const name = (request.rawHeaders[i] as string).toLowerCase();
    const value = request.rawHeaders[i + 1] as string;
    if (name === 'cookie')
      cookies.push(
        ...value
          .split(';')
          .map((c) => c.trim())
          .filter(Boolean),
      );
    else headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  headers['x-forwarded-for'] = headers['x-forwarded-for']
    ? `${headers['x-forwarded-for']}, ${request.sourceIp}`
    : request.sourceIp;
  headers['x-forwarded-port'] = String(request.localPort);
  headers['x-forwarded-proto'] = 'http';

  const query: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    query[name] = name in query ? `${query[name]},${value}` : value;
  }

  const hasBody = request.body.length > 0;
  const isText = TEXT_CONTENT_TYPE.test(headers['content-type'] ?? '');
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath,
    rawQueryString,
    headers,
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId: 'local',
      domainName: headers.host ?? `127.0.0.1:${request.localPort}`,
      domainPrefix: (headers.host ?? '127').split('.')[0] as string,
      http: {
        method: request.method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: request.requestId,
      routeKey: route.routeKey,
      stage: '$default',
      time: apiGatewayTime(now),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: hasBody && !isText,
  };
  if (cookies.length > 0) event.cookies = cookies;
  if (rawQueryString !== '') event.queryStringParameters = query;
  if (Object.keys(pathParameters).length > 0) event.pathParameters = pathParameters;
  if (hasBody) event.body = isText ? request.body.toString('utf8') : request.body.toString('base64');
  if (caller && route.authorizer) {
    (event.requestContext as unknown as Record<string, unknown>).authorizer = authorizerContext(
      route.authorizer.kind,
      caller,
      now,
    );
  }
  return event;
}

/** What the deployed authorizer passes on; locally the caller is the holder of one of the local tokens. */
function authorizerContext(kind: 'iam' | 'jwt', caller: LocalToken, now: Date): Record<string, unknown> {
  if (kind === 'iam') {
    return {
      iam: {
        accessKey: 'local',
        accountId: LOCAL_ACCOUNT_ID,
        callerId: caller.subject,
        cognitoIdentity: null,
        principalOrgId: null,
        userArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:user/${caller.subject}`,
        userId: caller.subject,
      },
    };
  }
  const issuedAt = Math.floor(now.getTime() / 1000);
  return {
    jwt: {
      claims: {
        sub: caller.subject,
        scope: caller.scopes.join(' '),
        iat: String(issuedAt),
        exp: String(issuedAt + 3600),
      },
      scopes: caller.scopes.length > 0 ? [...caller.scopes] : null,
    },
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `12/Mar/2020:19:03:58 +0000`, API Gateway's requestContext.time. */
function apiGatewayTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

export interface HttpResult {
  statusCode: number;
  headers: Record<string, string>;
  cookies: string[];
  body: Buffer;
}

/** Reads a handler's result the way payload format 2.0 does (a result without statusCode is a 200 JSON body). */
export function fromHandlerResult(value: unknown): HttpResult {
  if (value !== null && typeof value === 'object' && 'statusCode' in value) {
    const result = value as APIGatewayProxyStructuredResultV2;
    const headers: Record<string, string> = {};
    for (const [name, header] of Object.entries(result.headers ?? {}))
      headers[name.toLowerCase()] = String(header);
    const body = result.body ?? '';
    return {
      statusCode: Number(result.statusCode),
      headers,
      cookies: result.cookies ?? [],
      body: result.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8'),
    };
  }
  const body = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    cookies: [],
    body: Buffer.from(body),
  };
}

const TITLES: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Content Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** An RFC 9457 problem answered by the gateway itself. */
export function gatewayProblem(
  status: number,
  detail: string,
  headers: Record<string, string> = {},
): HttpResult {
  const problem = { type: 'about:blank', title: TITLES[status] ?? 'Error', status, detail };
  return {
    statusCode: status,
    headers: { 'content-type': 'application/problem+json', ...headers },
    cookies: [],
    body: Buffer.from(JSON.stringify(problem)),
  };
}

/** The local token the request carries, if any (compared in constant time). */
export function callerOf(
  authorization: string | undefined,
  tokens: readonly LocalToken[],
): LocalToken | undefined {
  return tokens.find((candidate) => bearerTokenMatches(authorization, candidate.token));
}

/** A JWT authorizer lets a token through that holds any of the route's scopes (a route without scopes: any token). */
export function scopesAllow(route: HttpRoute, caller: LocalToken): boolean {
  const required = route.authorizer?.scopes ?? [];
  return required.length === 0 || required.some((scope) => caller.scopes.includes(scope));
}

export function bearerTokenMatches(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(authorization?.trim() ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1] as string);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLargeError(`request body over ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function answer(
  req: IncomingMessage,
  options: ApiGatewayOptions,
  localPort: number,
  requestId: string,
): Promise<{ result: HttpResult; functionName?: string }> {
  const method = (req.method ?? 'GET').toUpperCase();
  const target = req.url ?? '/';
  const path = target.split('?')[0] as string;
  const match = matchRoute(options.routes, method, path);
  if (match.kind === 'not-found') return { result: gatewayProblem(404, `No route for ${method} ${path}`) };
  if (match.kind === 'method-not-allowed') {
    return {
      result: gatewayProblem(405, `${method} is not allowed on ${path}`, { allow: match.allowed.join(', ') }),
    };
  }
  const { entry } = match;
  const caller = callerOf(req.headers.authorization, localTokens(options.apiToken, options.adminToken));
  if (entry.route.authorized && !caller) {
    return {
      result: gatewayProblem(401, 'Missing or invalid credentials: send Authorization: Bearer <API_TOKEN>', {
        'www-authenticate': 'Bearer',
      }),
    };
  }
  if (entry.route.authorized && caller && !scopesAllow(entry.route, caller)) {
    const needed = entry.route.authorizer?.scopes.join(' or ') ?? '';
    const forbidden = problemOf(
      'forbidden',
      `This token lacks the scope ${needed} that ${entry.route.routeKey} needs.`,
    );
    return {
      result: {
        statusCode: 403,
        headers: { 'content-type': 'application/problem+json' },
        cookies: [],
        body: Buffer.from(JSON.stringify(forbidden)),
      },
    };
  }
  let body: Buffer;
  try {
    body = await readBody(req, MAX_GATEWAY_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return { result: gatewayProblem(413, error.message) };
    throw error;
  }
  const event = toApiGatewayEvent(
    {
      method,
      target,
      rawHeaders: req.rawHeaders,
      body,
      sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
      localPort,
      requestId,
    },
    entry.route,
    match.pathParameters,
    entry.route.authorized ? caller : undefined,
  );
  const invocation = await entry.invoke(event);
  if (!invocation.ok) {
    options.log?.(`${entry.functionName} failed: ${invocation.error.stack ?? invocation.error.message}`);
    const timedOut = invocation.error.name === 'LambdaTimeoutError';
    return {
      result: timedOut
        ? gatewayProblem(503, `${entry.functionName} timed out`)
        : gatewayProblem(500, `${entry.functionName} failed`),
      functionName: entry.functionName,
    };
  }
  try {
    return { result: fromHandlerResult(invocation.value), functionName: entry.functionName };
  } catch {
    return { result: gatewayProblem(500, `${entry.functionName} returned a malformed response`) };
  }
}

function write(res: ServerResponse, result: HttpResult, requestId: string): void {
  const headers: Record<string, string | string[]> = { ...result.headers, 'apigw-requestid': requestId };
  if (result.cookies.length > 0) headers['set-cookie'] = result.cookies;
  headers['content-length'] = String(result.body.length);
  res.writeHead(result.statusCode, headers).end(result.body);
}

export async function startApiGateway(options: ApiGatewayOptions): Promise<ApiGateway> {
  const host = options.host ?? '127.0.0.1';
  let localPort = 0;
  const server: Server = createServer((req, res) => {
    const started = Date.now();
    const requestId = `${randomUUID().replaceAll('-', '').slice(0, 14)}=`;
    answer(req, options, localPort, requestId)
      .then(({ result, functionName }) => {
        write(res, result, requestId);
        options.log?.(
          `${req.method} ${req.url} → ${result.statusCode} ${Date.now() - started}ms${functionName ? ` (${functionName})` : ''}`,
        );
      })
      .catch((error: Error) => {
        options.log?.(`${req.method} ${req.url} failed in the gateway: ${error.message}`);
        if (!res.headersSent) write(res, gatewayProblem(500, 'gateway error'), requestId);
        else res.destroy();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  localPort = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${localPort}`,
    port: localPort,
    close: () => closeGracefully(server),
  };
}

/** Lets requests in progress finish (up to 5 s), closing idle keep-alive connections at once. */
export function closeGracefully(server: Server, graceMs = 5000): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}
