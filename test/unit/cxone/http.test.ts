import { describe, expect, it } from 'vitest';
import {
  CxoneAuthError,
  CxoneConflictError,
  CxonePermanentError,
  CxoneRetryableError,
} from '../../../lib/cxone/errors.ts';
import { type FetchFn, type HttpOptions, type RetryEvent, sendWithRetry } from '../../../lib/cxone/http.ts';
import { TokenBucket } from '../../../lib/cxone/rate-limiter.ts';
import { fakeClock, type Handler, json, scriptedFetch, sequence } from './fakes.ts';

function setup(handler: Handler, overrides: Partial<HttpOptions> = {}, deadlineInMs = 120_000) {
  const clock = fakeClock();
  const { fetch, calls } = scriptedFetch(handler, clock.now);
  const retries: RetryEvent[] = [];
  const options: HttpOptions = {
    fetch,
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0.5,
    backoff: { baseMs: 500, capMs: 10_000 },
    maxAttempts: 5,
    maxRetryAfterMs: 60_000,
    requestTimeoutMs: 10_000,
    onRetry: (event) => retries.push(event),
    ...overrides,
  };
  const limiter = new TokenBucket({ ratePerSecond: 1000, burst: 1000, now: clock.now, sleep: clock.sleep });
  const send = (method: 'GET' | 'PUT' = 'GET', body?: string, conflictMeansCapacity = false) =>
    sendWithRetry(options, {
      method,
      url: 'https://api.cxone.example/inContactAPI/services/v30.0/skills/1/agents',
      operation: `${method} /skills/{skillId}/agents`,
      ...(body === undefined ? {} : { body }),
      ...(conflictMeansCapacity ? { conflictMeansCapacity } : {}),
      limiter,
      ctx: { correlationId: 'assignment-1', deadline: clock.now() + deadlineInMs },
    });
  return { clock, calls, retries, send };
}

const ok = () => json(200, { fine: true });

describe('sendWithRetry', () => {
  it('sends Accept, CorrelationId and, with a body, Content-Type JSON', async () => {
    const { calls, send } = setup(ok);
    await send('PUT', '{"agents":[]}');
    const headers = calls[0]?.headers;
    expect(headers?.get('accept')).toBe('application/json');
    expect(headers?.get('correlationid')).toBe('assignment-1');
    expect(headers?.get('content-type')).toBe('application/json');
    expect(calls[0]?.body).toBe('{"agents":[]}');
  });

  it('retries a 429 without Retry-After with full-jitter backoff, then succeeds', async () => {
    const { calls, clock, retries, send } = setup(
      sequence(
        () => json(429, { error: 'too_many_requests' }),
        () => json(429, { error: 'too_many_requests' }),
        ok,
      ),
    );
    const response = await send();
    expect(response.body).toEqual({ fine: true });
    expect(calls).toHaveLength(3);
    // random 0.5 of ceilings 500 and 1000 ms
    expect(clock.sleeps).toEqual([250, 500]);
    expect(
      retries.map((event) => [event.attempt, event.status, event.retryAfter, event.correlationId]),
    ).toEqual([
      [1, 429, false, 'assignment-1'],
      [2, 429, false, 'assignment-1'],
    ]);
  });

  it('waits exactly the Retry-After the server asked for before the next request', async () => {
    const { calls, send } = setup(sequence(() => json(429, {}, { 'Retry-After': '3' }), ok));
    await send();
    expect(calls).toHaveLength(2);
    expect((calls[1]?.at ?? 0) - (calls[0]?.at ?? 0)).toBe(3000);
  });

  it('honours an HTTP-date Retry-After on a 503', async () => {
    const { clock, send } = setup(
      sequence(
        () =>
          json(
            503,
            {},
            {
              'Retry-After': new Date(fakeClock().now() + 4000).toUTCString(),
              Date: new Date(fakeClock().now()).toUTCString(),
            },
          ),
        ok,
      ),
    );
    await send();
    expect(clock.sleeps).toEqual([4000]);
  });

  it('retries a burst of 5xx and then succeeds', async () => {
    const { calls, send } = setup(
      sequence(
        () => json(500, {}),
        () => json(502, {}),
        () => json(504, {}),
        ok,
      ),
    );
    await expect(send()).resolves.toMatchObject({ status: 200 });
    expect(calls).toHaveLength(4);
  });

  it('gives up after maxAttempts with the last retryable error', async () => {
    const { calls, send } = setup(() => json(503, { error_description: 'maintenance' }));
    const error = await send().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CxoneRetryableError);
    expect((error as CxoneRetryableError).status).toBe(503);
    expect((error as Error).message).toContain('maintenance');
    expect(calls).toHaveLength(5);
  });

  it('treats network errors and timeouts as retryable', async () => {
    let attempt = 0;
    const flaky: FetchFn = async (_url, init) => {
      attempt++;
      if (attempt === 1) throw new TypeError('fetch failed');
      if (attempt === 2) {
        // Never answers: wait for the client's timeout signal.
        return new Promise<Response>((_resolve, reject) => {
          init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
        });
      }
      return json(200, {});
    };
    const { retries, send } = setup(ok, { fetch: flaky, requestTimeoutMs: 20 });
    await expect(send()).resolves.toMatchObject({ status: 200 });
    expect(retries.map((event) => event.status)).toEqual([undefined, undefined]);
  });

  it('reports a timeout as retryable when every attempt times out', async () => {
    const hanging: FetchFn = (_url, init) =>
      new Promise<Response>((_resolve, reject) => {
        init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      });
    const { send } = setup(ok, { fetch: hanging, requestTimeoutMs: 10, maxAttempts: 2 });
    const error = await send().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CxoneRetryableError);
    expect((error as Error).message).toContain('no answer within 10 ms');
  });

  it.each([400, 403, 404])('never retries a %i and carries CXone’s error_description', async (status) => {
    const { calls, send } = setup(() =>
      json(status, { error: 'invalid_request', error_description: `described ${status}` }),
    );
    const error = await send().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CxonePermanentError);
    expect(error).toMatchObject({ status, code: 'invalid_request' });
    expect((error as Error).message).toContain(`described ${status}`);
    expect(calls).toHaveLength(1);
  });

  it('uses `message` when the error body has no error_description', async () => {
    const { send } = setup(() => json(400, { message: 'Invalid proficiency' }));
    await expect(send()).rejects.toThrow('Invalid proficiency');
  });

  it('reads the auth service’s camelCase errorDescription', async () => {
    const { send } = setup(() =>
      json(400, { error: 'invalid_grant', errorDescription: 'Invalid access key' }),
    );
    const error = await send().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid_grant' });
    expect((error as Error).message).toContain('Invalid access key');
  });

  it('falls back to the icStatusDescription header when the body explains nothing', async () => {
    const { send } = setup(
      () => new Response(null, { status: 404, headers: { icStatusDescription: 'Invalid skillId' } }),
    );
    await expect(send()).rejects.toThrow('CXone answered 404 — Invalid skillId');
    const described = setup(() =>
      json(
        404,
        { error: 'not_found', error_description: 'from the body' },
        { icStatusDescription: 'header' },
      ),
    );
    await expect(described.send()).rejects.toThrow('from the body');
  });

  it('maps 401 to CxoneAuthError without retrying (the token layer decides)', async () => {
    const { calls, send } = setup(() => json(401, { error: 'invalid_token' }));
    await expect(send()).rejects.toBeInstanceOf(CxoneAuthError);
    expect(calls).toHaveLength(1);
  });

  it('maps a 409 to a permanent refusal carrying CXone’s reason, never retried (the Admin API: Invalid Permissions)', async () => {
    const { calls, send } = setup(() =>
      json(409, { error: 'invalid_permissions', error_description: 'Invalid Permissions' }),
    );
    const error = await send('PUT', '{}').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CxonePermanentError);
    expect(error).not.toBeInstanceOf(CxoneConflictError);
    expect(error).toMatchObject({ status: 409 });
    expect((error as Error).message).toContain('Invalid Permissions');
    expect(calls).toHaveLength(1);
  });

  it('maps a 409 to CxoneConflictError with maxActiveAgents as the limit where it means capacity', async () => {
    const { send } = setup(() => json(409, { error: 'capacity_conflict', maxActiveAgents: 7 }));
    const error = await send('PUT', '{}', true).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CxoneConflictError);
    expect((error as CxoneConflictError).limit).toBe(7);
  });

  it('does not sleep past the deadline: throws the retryable error carrying Retry-After instead', async () => {
    const { calls, clock, send } = setup(() => json(429, {}, { 'Retry-After': '30' }), {}, 10_000);
    const error = await send().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CxoneRetryableError);
    expect((error as CxoneRetryableError).retryAfterMs).toBe(30_000);
    expect(calls).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('stops retrying once the backoff would cross the deadline', async () => {
    const { calls, clock, send } = setup(() => json(500, {}), { random: () => 0.99 }, 2500);
    const started = clock.now();
    await expect(send()).rejects.toBeInstanceOf(CxoneRetryableError);
    // sleeps of 495 and 990 ms fit in 2.5 s, the next (1980 ms) would not
    expect(clock.sleeps).toEqual([495, 990]);
    expect(calls).toHaveLength(3);
    expect(clock.now() - started).toBeLessThan(2500);
  });

  it('bounds the per-request timeout by the deadline', async () => {
    let timeoutSeen: AbortSignal | undefined;
    const hanging: FetchFn = (_url, init) => {
      timeoutSeen = init.signal ?? undefined;
      return new Promise<Response>((_resolve, reject) => {
        init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      });
    };
    const { send } = setup(ok, { fetch: hanging, requestTimeoutMs: 60_000, maxAttempts: 1 }, 30);
    const error = await send().catch((e: unknown) => e);
    expect(timeoutSeen?.aborted).toBe(true);
    expect((error as Error).message).toContain('no answer within 30 ms');
  });

  it('refuses a 2xx answer that is not JSON, without retrying', async () => {
    const { calls, send } = setup(() => new Response('<html>', { status: 200 }));
    await expect(send()).rejects.toBeInstanceOf(CxonePermanentError);
    expect(calls).toHaveLength(1);
  });
});
