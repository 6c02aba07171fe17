import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { FaultKind } from './faults.ts';

export const MAX_BODY_BYTES = 1024 * 1024;

/** What a route answers; the server turns it into an HTTP response. */
export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Set when a route-level injected fault (rate409) produced this answer. */
  fault?: FaultKind;
}

/** A CXone-shaped error answer: `{error, error_description}`. */
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
      body: { error: this.error, error_description: this.message },
      headers: this.headers,
    };
  }
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

/** `Authorization: Basic base64(id:secret)` → the pair, or undefined. */
export function parseBasicAuth(
  authorization: string | undefined,
): { id: string; secret: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  // RFC 6749 §2.3.1: both parts are form-urlencoded before base64.
  const decode = (part: string) => {
    try {
      return decodeURIComponent(part.replace(/\+/g, ' '));
    } catch {
      return part;
    }
  };
  return { id: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)) };
}

export function parseBearer(authorization: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
}

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
