// One HTTP exchange with CXone, retried here and nowhere else: 429 / 5xx / network / timeout with capped
// full-jitter backoff or the server's Retry-After; never a sleep past the caller's deadline; 4xx never retried.
// A 409 is a permanent refusal (the Admin API documents it as "Invalid Permissions"), except on a request that marks
// it as the campaign-agents contract's capacity conflict.
import { type BackoffPolicy, fullJitterDelayMs } from '../retry/backoff.ts';
import { parseRetryAfter } from '../retry/retry-after.ts';
import { CxoneAuthError, CxoneConflictError, CxonePermanentError, CxoneRetryableError } from './errors.ts';
import type { RequestLimiter } from './rate-limiter.ts';
import type { CallContext } from './types.ts';

export type FetchFn = (input: string, init: RequestInit) => Promise<Response>;

export interface RetryEvent {
  operation: string;
  correlationId: string;
  /** The attempt that just failed (1-based). */
  attempt: number;
  status: number | undefined;
  delayMs: number;
  /** The delay came from the server's Retry-After. */
  retryAfter: boolean;
}

export interface HttpOptions {
  fetch: FetchFn;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  backoff: BackoffPolicy;
  maxAttempts: number;
  maxRetryAfterMs: number;
  requestTimeoutMs: number;
  onRetry?: (event: RetryEvent) => void;
}

export interface CxoneRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  /** Names the call in errors and retry events without ids or query, e.g. `GET /skills/{skillId}/agents`. */
  operation: string;
  headers?: Record<string, string>;
  body?: string | URLSearchParams;
  /** A 409 answer is a capacity conflict (CxoneConflictError with its limit) rather than a permanent refusal. */
  conflictMeansCapacity?: boolean;
  limiter: RequestLimiter;
  ctx: CallContext;
}

export interface CxoneResponse {
  status: number;
  /** Parsed JSON, or undefined for an empty body. */
  body: unknown;
}

const MAX_DESCRIPTION_LENGTH = 300;

export async function sendWithRetry(options: HttpOptions, request: CxoneRequest): Promise<CxoneResponse> {
  const { ctx } = request;
  for (let attempt = 1; ; attempt++) {
    if (options.now() >= ctx.deadline) {
      throw new CxoneRetryableError(`${request.operation}: deadline reached before the request could start`, {
        operation: request.operation,
      });
    }
    await request.limiter.acquire(ctx.deadline);

    let failure: CxoneRetryableError;
    try {
      return await sendOnce(options, request);
    } catch (error) {
      if (!(error instanceof CxoneRetryableError)) throw error;
      failure = error;
    }

    if (failure.status === 429) request.limiter.throttled();
    if (attempt >= options.maxAttempts) throw failure;
    const delayMs = failure.retryAfterMs ?? fullJitterDelayMs(attempt, options.random, options.backoff);
    if (options.now() + delayMs >= ctx.deadline) throw failure;
    options.onRetry?.({
      operation: request.operation,
      correlationId: ctx.correlationId,
      attempt,
      status: failure.status,
      delayMs,
      retryAfter: failure.retryAfterMs !== undefined,
    });
    await options.sleep(delayMs);
  }
}

async function sendOnce(options: HttpOptions, request: CxoneRequest): Promise<CxoneResponse> {
  const { operation, ctx } = request;
  const timeoutMs = Math.max(1, Math.min(options.requestTimeoutMs, ctx.deadline - options.now()));
  const headers: Record<string, string> = {
    Accept: 'application/json',
    CorrelationId: ctx.correlationId,
    ...request.headers,
  };
  if (typeof request.body === 'string') headers['Content-Type'] ??= 'application/json';

  let response: Response;
  let text: string;
  try {
    response = await options.fetch(request.url, {
      method: request.method,
      headers,
      body: request.body,
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    throw new CxoneRetryableError(
      `${operation}: ${timedOut ? `no answer within ${timeoutMs} ms` : 'network error'}`,
      { operation, cause: error },
    );
  }

  const body = parseJson(text);
  const status = response.status;
  if (status >= 200 && status < 300) {
    if (body === INVALID_JSON) {
      throw new CxonePermanentError(`${operation}: answered ${status} with a body that is not JSON`, {
        status,
        operation,
      });
    }
    return { status, body };
  }
  throw errorForStatus(options, request, response, body === INVALID_JSON ? undefined : body);
}

function errorForStatus(options: HttpOptions, request: CxoneRequest, response: Response, body: unknown) {
  const { operation } = request;
  const status = response.status;
  const { code, description } = describeError(body, response.headers.get('icStatusDescription'));
  const message = `${operation}: CXone answered ${status}${description ? ` — ${description}` : ''}`;
  const details = { status, operation, ...(code ? { code } : {}) };

  if (status === 429 || status === 408 || status >= 500) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), {
      nowMs: options.now(),
      dateHeader: response.headers.get('date'),
      maxMs: options.maxRetryAfterMs,
    });
    return new CxoneRetryableError(message, {
      ...details,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  if (status === 401) return new CxoneAuthError(message, details);
  if (status === 409 && request.conflictMeansCapacity) {
    const limit =
      isRecord(body) && typeof body.maxActiveAgents === 'number' ? body.maxActiveAgents : undefined;
    return new CxoneConflictError(message, { ...details, ...(limit === undefined ? {} : { limit }) });
  }
  return new CxonePermanentError(message, details);
}

/**
 * CXone's explanation of an error: `error_description` (OAuth style), `errorDescription` (the auth service's
 * schema), `message` (some Admin endpoints), else the `icStatusDescription` response header NICE's own API tooling
 * reads, else the bare `error` code.
 */
export function describeError(
  body: unknown,
  statusDescriptionHeader: string | null = null,
): { code: string | undefined; description: string | undefined } {
  const record = isRecord(body) ? body : {};
  const code = typeof record.error === 'string' && record.error !== '' ? record.error : undefined;
  const raw = [
    record.error_description,
    record.errorDescription,
    record.message,
    statusDescriptionHeader,
    record.error,
  ].find((value) => typeof value === 'string' && value.trim() !== '');
  const description = typeof raw === 'string' ? raw.trim().slice(0, MAX_DESCRIPTION_LENGTH) : undefined;
  return { code, description };
}

const INVALID_JSON = Symbol('invalid JSON');

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return INVALID_JSON;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
