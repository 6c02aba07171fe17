import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { FaultKind } from './faults.ts';

export const MAX_BODY_BYTES = 1024 * 1024;

/** The machine-readable code and the human description of an error answer. */
export interface ErrorDetail {
  code: string;
  description: string;
  /** Extra body fields (the campaign target's `maxActiveAgents`). */
  extra?: Record<string, unknown>;
}

/** What a route answers; the server turns it into an HTTP response. */
export interface RouteResult {
  status: number;
  body?: unknown;
  /** An error answer; the server shapes its body as the path's service does (see errorSurface). */
  error?: ErrorDetail;
  headers?: Record<string, string>;
  /** Set when a route-level injected fault (rate409) produced this answer. */
  fault?: FaultKind;
}

/** A CXone error answer; see errorSurface for how its body is shaped. */
export class CxoneHttpError extends Error {
  readonly status: number;
  readonly error: string;
  readonly headers: Record<string, string>;

  constructor(status: number, error: string, description: string, headers: Record<string, string> = {}) {
    super(description);
    this.name = 'CxoneHttpError';
    this.status = status;
    this.error = error;
    this.headers = headers;
  }

  toResult(): RouteResult {
    return {
      status: this.status,
      error: { code: this.error, description: this.message },
      headers: this.headers,
    };
  }
}

/** The Admin API, any version: `/inContactAPI/services/v{N}.0/…` → the part after the version. */
export const ADMIN_PATH = /^\/inContactAPI\/services\/v\d+\.0(\/.*)$/i;

/**
 * How errors are shaped per service. CXone's auth service answers `{error, errorDescription}` (camelCase, per
 * NICE's OpenAPI for /auth). The Admin API has no documented error schema: the sandbox answers the OAuth-style
 * `{error, error_description}` seen in practice and repeats the description in an `icStatusDescription` response
 * header, which NICE's own API test harness reads. Everything else (campaign target, discovery) is OAuth-style.
 */
export type ErrorSurface = 'auth' | 'admin' | 'oauth';

export function errorSurface(path: string): ErrorSurface {
  if (path.startsWith('/auth/')) return 'auth';
  return ADMIN_PATH.test(path) ? 'admin' : 'oauth';
}

export function renderError(
  surface: ErrorSurface,
  error: ErrorDetail,
): { body: Record<string, unknown>; headers: Record<string, string> } {
  const described =
    surface === 'auth' ? { errorDescription: error.description } : { error_description: error.description };
  const body = { error: error.code, ...described, ...error.extra };
  // Header values must be Latin-1; descriptions are ASCII but be safe.
  const header = error.description.replace(/[^\x20-\x7e]/g, '?');
  return { body, headers: surface === 'admin' ? { icStatusDescription: header } : {} };
}

export function methodNotAllowed(request: { method: string; path: string }, allow: string): CxoneHttpError {
  return new CxoneHttpError(
    405,
    'method_not_allowed',
    `${request.method} is not allowed on ${request.path}`,
    {
      Allow: allow,
    },
  );
}

export class BodyTooLargeError extends Error {
  constructor() {
    super(`request body over ${MAX_BODY_BYTES} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * Reads the whole body as UTF-8. Over `limit` bytes the rest is drained and discarded, then BodyTooLargeError is
 * thrown, so the connection stays usable for the 413 answer.
 */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > limit) reject(new BodyTooLargeError());
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

export function parseJsonBody(body: string): unknown {
  if (body.trim() === '') throw new CxoneHttpError(400, 'invalid_request', 'A JSON body is required');
  try {
    return JSON.parse(body);
  } catch {
    throw new CxoneHttpError(400, 'invalid_request', 'The body is not valid JSON');
  }
}

/** Form fields of a token request; a JSON object body is accepted too. */
export function parseFormBody(body: string, contentType: string | undefined): Record<string, string> {
  if (contentType?.includes('application/json')) {
    const parsed = parseJsonBody(body);
    if (typeof parsed !== 'object' || parsed === null) return {};
    return Object.fromEntries(
      Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
  }
  return Object.fromEntries(new URLSearchParams(body));
}

/**
 * `Authorization: Basic base64(clientId:clientSecret)` → the pair, or undefined. By default the parts are taken
 * RAW, as CXone and the clients that work with it do, so a secret holding `+`, `%` or `=` is compared byte for
 * byte; `formEncoded` decodes them as RFC 6749 §2.3.1 has it (the campaign target's standard OAuth endpoint). The
 * split is at the FIRST colon: a clientId has none, a secret may.
 */
export function parseBasicAuth(
  authorization: string | undefined,
  options: { formEncoded?: boolean } = {},
): { id: string; secret: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const part = options.formEncoded ? formDecode : (raw: string) => raw;
  return { id: part(decoded.slice(0, colon)), secret: part(decoded.slice(colon + 1)) };
}

function formDecode(part: string): string {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    return part;
  }
}

export function parseBearer(authorization: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
}

/** The largest `top` CXone is observed to honour; larger values are capped. */
export const MAX_PAGE_SIZE = 100;

/** `skip`/`top` paging: `top` capped at `maxTop`; without `top`, `defaultTop` (undefined = everything). */
export function page<T>(
  items: T[],
  query: URLSearchParams,
  defaultTop: number | undefined,
  maxTop: number,
): T[] {
  const skip = nonNegativeInteger(query.get('skip'), 'skip') ?? 0;
  const requestedTop = nonNegativeInteger(query.get('top'), 'top');
  const top = requestedTop === undefined ? defaultTop : Math.min(requestedTop, maxTop);
  return top === undefined ? items.slice(skip) : items.slice(skip, skip + top);
}

function nonNegativeInteger(raw: string | null, name: string): number | undefined {
  if (raw === null || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new CxoneHttpError(400, 'invalid_request', `${name} must be a non-negative integer`);
  }
  return value;
}
