import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { retryDelaySeconds } from '../../lib/retry/redelivery.ts';
import { buildAgentEvent, deliverWebhook, serializeWfmEvent } from '../../lib/wfm/index.ts';

// A throwaway receiver on 127.0.0.1:0: each path answers one way; every request is recorded with its raw body bytes.

interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const EVENT = buildAgentEvent({
  change: 'activated',
  assignmentId: 'asg-42',
  campaignId: '12345678-1234-1234-1234-123456789012',
  status: 'applied',
  userId: 'agent-uuid-001',
  sequence: 7,
  latencyMs: 1234,
  callRateTarget: 8.5,
  details: { displayName: 'Zoë Ångström 日本 🚀' },
  time: new Date('2025-03-09T14:30:00Z'),
});

let received: Received[] = [];
const hanging = new Set<ServerResponse>();
let server: Server;
let base: string;

const ROUTES: Record<string, (res: ServerResponse) => void> = {
  '/ok': (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"accepted":true}'),
  '/gone': (res) => res.writeHead(410).end(),
  '/busy': (res) => res.writeHead(429, { 'retry-after': '7' }).end('slow down'),
  '/boom': (res) => res.writeHead(500).end('internal error'),
  '/moved': (res) => res.writeHead(302, { location: `${base}/redirect-target` }).end(),
  '/redirect-target': (res) => res.writeHead(200).end(),
  '/hang': (res) => {
    hanging.add(res);
  },
};

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({ method: req.method ?? '', path, headers: req.headers, body: Buffer.concat(chunks) });
      (ROUTES[path] ?? ((r: ServerResponse) => r.writeHead(404).end()))(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const res of hanging) res.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  received = [];
});

const deliverTo = (path: string, options: { timeoutMs?: number; allowPrivate?: boolean } = {}) =>
  deliverWebhook({
    endpoint: { name: 'test-receiver', url: `${base}${path}` },
    event: EVENT,
    secrets: [SECRET],
    allowPrivate: options.allowPrivate ?? true,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });

function headerRecord(headers: IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, String(value)]));
}

describe('deliverWebhook against a real HTTP server', () => {
  it('delivers on 2xx: exact body bytes, CloudEvents content type, verifiable Standard Webhooks headers', async () => {
    const outcome = await deliverTo('/ok');

    expect(outcome).toMatchObject({ kind: 'delivered', status: 200 });
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request?.method).toBe('POST');
    expect(request?.body.equals(Buffer.from(serializeWfmEvent(EVENT), 'utf8'))).toBe(true);
    expect(request?.headers['content-type']).toBe('application/cloudevents+json');
    expect(request?.headers['user-agent']).toMatch(/^cxone-assignments/);
    expect(request?.headers['webhook-id']).toBe(EVENT.id);
    const verified = new Webhook(SECRET).verify(
      request?.body.toString('utf8') ?? '',
      headerRecord(request?.headers ?? {}),
    );
    expect(verified).toEqual(EVENT);
    expect((verified as typeof EVENT).data.displayName).toBe('Zoë Ångström 日本 🚀');
  });

  it('reports 410 Gone as disabled', async () => {
    expect(await deliverTo('/gone')).toMatchObject({ kind: 'disabled', status: 410 });
  });

  it('reports 429 with Retry-After as retry with retryAfterMs, which becomes the visibility delay', async () => {
    const outcome = await deliverTo('/busy');
    expect(outcome).toMatchObject({ kind: 'retry', status: 429, retryAfterMs: 7000 });
    const retryAfterMs = outcome.kind === 'retry' ? outcome.retryAfterMs : undefined;
    expect(retryDelaySeconds(1, retryAfterMs)).toBe(7);
  });

  it('reports 500 as retry', async () => {
    expect(await deliverTo('/boom')).toMatchObject({ kind: 'retry', status: 500, reason: 'http 500' });
  });

  it('does not follow a 302: retry, and the redirect target never receives a request', async () => {
    const outcome = await deliverTo('/moved');
    expect(outcome).toMatchObject({ kind: 'retry', status: 302, reason: 'redirect 302 not followed' });
    expect(received.map((request) => request.path)).toEqual(['/moved']);
  });

  it('gives up on a server that never answers once the timeout elapses, and reports retry', async () => {
    const startedAt = Date.now();
    const outcome = await deliverTo('/hang', { timeoutMs: 500 });
    const elapsedMs = Date.now() - startedAt;

    expect(outcome).toMatchObject({ kind: 'retry', reason: 'timeout after 500 ms' });
    expect(received.map((request) => request.path)).toEqual(['/hang']);
    expect(elapsedMs).toBeGreaterThanOrEqual(450);
    expect(elapsedMs).toBeLessThan(10_000);
  });

  it('refuses the loopback http receiver when private targets are not allowed, without connecting', async () => {
    const outcome = await deliverTo('/ok', { allowPrivate: false });
    expect(outcome).toMatchObject({ kind: 'refused' });
    expect(received).toHaveLength(0);
  });

  it('reports a closed port as a network-error retry', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const outcome = await deliverWebhook({
      endpoint: { name: 'closed', url: `http://127.0.0.1:${port}/` },
      event: EVENT,
      secrets: [SECRET],
      allowPrivate: true,
    });
    expect(outcome).toMatchObject({ kind: 'retry', reason: 'network error (ECONNREFUSED)' });
  });
});
