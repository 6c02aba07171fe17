import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { buildAssignmentEvent, serializeWfmEvent } from '../../../lib/wfm/cloudevents.ts';
import {
  deliverWebhook,
  MAX_WEBHOOK_RETRY_AFTER_MS,
  WEBHOOK_CONTENT_TYPE,
} from '../../../lib/wfm/deliver.ts';
import { InvalidSigningSecretError } from '../../../lib/wfm/signing.ts';
import type { HostResolver } from '../../../lib/wfm/url-policy.ts';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const PREVIOUS = `whsec_${randomBytes(32).toString('base64')}`;
const EVENT = buildAssignmentEvent({
  assignmentId: 'asg-1',
  campaignId: 'camp-1',
  status: 'applied',
  latencyMs: 900,
  callRateTarget: 8.5,
  details: { note: 'Zoë 🚀' },
  time: new Date('2025-03-09T14:30:00Z'),
});
const ENDPOINT = { name: 'wfm', url: 'https://wfm.example.com/hooks?token=abc' };
const resolve: HostResolver = async (host) => (host === 'wfm.example.com' ? ['93.184.215.14'] : ['10.0.0.1']);

interface Call {
  url: string;
  init: RequestInit;
}

function fakeFetch(respond: (call: Call) => Response | Promise<Response>) {
  const calls: Call[] = [];
  const fetch = (async (url: string | URL, init: RequestInit = {}) => {
    const call = { url: String(url), init };
    calls.push(call);
    return respond(call);
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

const base = { endpoint: ENDPOINT, event: EVENT, secrets: [SECRET], allowPrivate: false, resolve };

describe('deliverWebhook', () => {
  it('POSTs the event once, signed, with CloudEvents content type, and reports delivered on 2xx', async () => {
    const { fetch, calls } = fakeFetch(() => new Response(null, { status: 204 }));
    const nowMs = Date.now();
    const outcome = await deliverWebhook({ ...base, fetch, now: () => nowMs });

    expect(outcome).toMatchObject({ kind: 'delivered', status: 204 });
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call?.url).toBe(ENDPOINT.url);
    expect(call?.init.method).toBe('POST');
    expect(call?.init.redirect).toBe('manual');
    expect(call?.init.signal).toBeInstanceOf(AbortSignal);
    expect(call?.init.body).toBe(serializeWfmEvent(EVENT));
    const headers = new Headers(call?.init.headers);
    expect(headers.get('content-type')).toBe(WEBHOOK_CONTENT_TYPE);
    expect(headers.get('user-agent')).toMatch(/^cxone-assignments/);
    expect(headers.get('webhook-id')).toBe(EVENT.id);
    expect(headers.get('webhook-timestamp')).toBe(String(Math.floor(nowMs / 1000)));
    const verified = new Webhook(SECRET).verify(call?.init.body as string, Object.fromEntries(headers));
    expect(verified).toEqual(EVENT);
  });

  it('keeps webhook-id but signs a fresh timestamp on every attempt', async () => {
    const { fetch, calls } = fakeFetch(() => new Response(null, { status: 500 }));
    let clock = 1_741_530_600_000;
    await deliverWebhook({ ...base, fetch, now: () => clock });
    clock += 65_000;
    await deliverWebhook({ ...base, fetch, now: () => clock });
    const [first, second] = calls.map((call) => new Headers(call.init.headers));
    expect(first?.get('webhook-id')).toBe(second?.get('webhook-id'));
    expect(Number(second?.get('webhook-timestamp')) - Number(first?.get('webhook-timestamp'))).toBe(65);
    expect(first?.get('webhook-signature')).not.toBe(second?.get('webhook-signature'));
  });

  it('sends both signatures during rotation', async () => {
    const { fetch, calls } = fakeFetch(() => new Response('ok', { status: 200 }));
    await deliverWebhook({ ...base, secrets: [SECRET, PREVIOUS], fetch });
    const headers = Object.fromEntries(new Headers(calls[0]?.init.headers));
    const body = calls[0]?.init.body as string;
    expect(headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(new Webhook(SECRET).verify(body, headers)).toEqual(EVENT);
    expect(new Webhook(PREVIOUS).verify(body, headers)).toEqual(EVENT);
  });

  it.each([
    [200, { kind: 'delivered', status: 200 }],
    [202, { kind: 'delivered', status: 202 }],
    [410, { kind: 'disabled', status: 410 }],
    [500, { kind: 'retry', status: 500, reason: 'http 500' }],
    [502, { kind: 'retry', status: 502, reason: 'http 502' }],
    [400, { kind: 'retry', status: 400, reason: 'http 400' }],
    [404, { kind: 'retry', status: 404, reason: 'http 404' }],
    [301, { kind: 'retry', status: 301, reason: 'redirect 301 not followed' }],
    [307, { kind: 'retry', status: 307, reason: 'redirect 307 not followed' }],
  ])('maps status %d', async (status, expected) => {
    const { fetch } = fakeFetch(
      () => new Response(null, { status, headers: { location: 'https://elsewhere/' } }),
    );
    const outcome = await deliverWebhook({ ...base, fetch });
    expect(outcome).toEqual({ ...expected, durationMs: expect.any(Number) });
  });

  it('treats an opaque redirect (browser-style fetch) as a redirect', async () => {
    const opaque = {
      type: 'opaqueredirect',
      status: 0,
      headers: new Headers(),
      body: null,
    } as unknown as Response;
    const { fetch } = fakeFetch(() => opaque);
    expect(await deliverWebhook({ ...base, fetch })).toMatchObject({
      kind: 'retry',
      reason: 'redirect 0 not followed',
    });
  });

  it.each([429, 503])('honours Retry-After seconds on %d', async (status) => {
    const { fetch } = fakeFetch(() => new Response(null, { status, headers: { 'retry-after': '120' } }));
    expect(await deliverWebhook({ ...base, fetch })).toMatchObject({
      kind: 'retry',
      status,
      retryAfterMs: 120_000,
    });
  });

  it('honours a Retry-After HTTP-date against the response Date header', async () => {
    const { fetch } = fakeFetch(
      () =>
        new Response(null, {
          status: 429,
          headers: { 'retry-after': 'Sun, 09 Mar 2025 14:35:00 GMT', date: 'Sun, 09 Mar 2025 14:30:00 GMT' },
        }),
    );
    expect(await deliverWebhook({ ...base, fetch })).toMatchObject({ kind: 'retry', retryAfterMs: 300_000 });
  });

  it('caps a huge Retry-After at 12 h and leaves it out when absent or on other statuses', async () => {
    const huge = fakeFetch(() => new Response(null, { status: 429, headers: { 'retry-after': '9999999' } }));
    expect(await deliverWebhook({ ...base, fetch: huge.fetch })).toMatchObject({ retryAfterMs: 43_200_000 });
    expect(MAX_WEBHOOK_RETRY_AFTER_MS).toBe(12 * 3600 * 1000);
    const far = fakeFetch(
      () => new Response(null, { status: 503, headers: { 'retry-after': 'Tue, 11 Mar 2025 00:00:00 GMT' } }),
    );
    expect(
      await deliverWebhook({ ...base, fetch: far.fetch, now: () => Date.parse('2025-03-09T14:30:00Z') }),
    ).toMatchObject({ retryAfterMs: MAX_WEBHOOK_RETRY_AFTER_MS });
    const none = fakeFetch(() => new Response(null, { status: 429 }));
    expect(await deliverWebhook({ ...base, fetch: none.fetch })).not.toHaveProperty('retryAfterMs');
    const other = fakeFetch(() => new Response(null, { status: 500, headers: { 'retry-after': '5' } }));
    expect(await deliverWebhook({ ...base, fetch: other.fetch })).not.toHaveProperty('retryAfterMs');
  });

  it('retries on a network error and names only the error code', async () => {
    const { fetch } = fakeFetch(() => {
      throw Object.assign(new TypeError('fetch failed'), {
        cause: Object.assign(new Error(`connect ECONNREFUSED ${SECRET}`), { code: 'ECONNREFUSED' }),
      });
    });
    const outcome = await deliverWebhook({ ...base, fetch });
    expect(outcome).toEqual({
      kind: 'retry',
      reason: 'network error (ECONNREFUSED)',
      durationMs: expect.any(Number),
    });
  });

  it('retries on timeout and aborts the request', async () => {
    let aborted = false;
    const { fetch } = fakeFetch(
      ({ init }) =>
        new Promise<Response>((_, reject) => {
          init.signal?.addEventListener('abort', () => {
            aborted = true;
            reject(init.signal?.reason);
          });
        }),
    );
    const outcome = await deliverWebhook({ ...base, fetch, timeoutMs: 50 });
    expect(outcome).toMatchObject({ kind: 'retry', reason: 'timeout after 50 ms' });
    expect(outcome).not.toHaveProperty('status');
    expect(aborted).toBe(true);
  });

  it('times out at once, without throwing, when the remaining time gives a timeout of 0 or less', async () => {
    const { fetch } = fakeFetch(
      ({ init }) =>
        new Promise<Response>((_, reject) =>
          init.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
        ),
    );
    expect(await deliverWebhook({ ...base, fetch, timeoutMs: -500 })).toMatchObject({
      kind: 'retry',
      reason: 'timeout after 1 ms',
    });
  });

  it('counts a DNS lookup that hangs against the timeout', async () => {
    const { fetch, calls } = fakeFetch(() => new Response(null, { status: 200 }));
    const hanging: HostResolver = () => new Promise(() => {});
    const outcome = await deliverWebhook({ ...base, resolve: hanging, fetch, timeoutMs: 50 });
    expect(outcome).toMatchObject({ kind: 'retry', reason: 'timeout after 50 ms' });
    expect(calls).toHaveLength(0);
  });

  it('retries when DNS fails', async () => {
    const { fetch, calls } = fakeFetch(() => new Response(null, { status: 200 }));
    const failing: HostResolver = async () => {
      throw Object.assign(new Error('queryA EAI_AGAIN'), { code: 'EAI_AGAIN' });
    };
    const outcome = await deliverWebhook({ ...base, resolve: failing, fetch });
    expect(outcome).toMatchObject({ kind: 'retry', reason: 'dns lookup failed (EAI_AGAIN)' });
    expect(calls).toHaveLength(0);
  });

  it.each([
    ['http://wfm.example.com/hooks', /scheme http: is not allowed/],
    ['https://169.254.169.254/latest/meta-data', /link_local/],
    ['https://internal.example.com/', /resolves to 10\.0\.0\.1/],
  ])('refuses %s without sending anything', async (url, reason) => {
    const { fetch, calls } = fakeFetch(() => new Response(null, { status: 200 }));
    const outcome = await deliverWebhook({ ...base, endpoint: { name: 'x', url }, fetch });
    expect(outcome).toMatchObject({ kind: 'refused', reason: expect.stringMatching(reason) });
    expect(calls).toHaveLength(0);
  });

  it('allows http loopback targets when allowPrivate is set', async () => {
    const { fetch, calls } = fakeFetch(() => new Response(null, { status: 200 }));
    const outcome = await deliverWebhook({
      ...base,
      endpoint: { name: 'local', url: 'http://127.0.0.1:4020/hooks' },
      allowPrivate: true,
      fetch,
    });
    expect(outcome).toMatchObject({ kind: 'delivered' });
    expect(calls[0]?.url).toBe('http://127.0.0.1:4020/hooks');
  });

  it('throws on a malformed secret (configuration error) without sending', async () => {
    const { fetch, calls } = fakeFetch(() => new Response(null, { status: 200 }));
    await expect(deliverWebhook({ ...base, secrets: ['whsec_bad'], fetch })).rejects.toBeInstanceOf(
      InvalidSigningSecretError,
    );
    expect(calls).toHaveLength(0);
  });

  it('never puts secrets, signatures or the URL query in any reason', async () => {
    const responses = [
      () => new Response(null, { status: 500 }),
      () => new Response(null, { status: 302, headers: { location: `https://x/?s=${SECRET}` } }),
      () => {
        throw new TypeError(`fetch failed ${SECRET}`);
      },
    ];
    for (const respond of responses) {
      const { fetch, calls } = fakeFetch(respond);
      const outcome = await deliverWebhook({ ...base, fetch });
      const signature = new Headers(calls[0]?.init.headers).get('webhook-signature') ?? '';
      const text = JSON.stringify(outcome);
      expect(outcome.kind).toBe('retry');
      expect(text).not.toContain(SECRET.slice(6));
      expect(text).not.toContain(signature.slice(3));
      expect(text).not.toContain('token=abc');
    }
  });
});
