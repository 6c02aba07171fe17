import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { guardedFetch } from '../../lib/wfm/guarded-fetch.ts';
import { buildAgentEvent, deliverWebhook } from '../../lib/wfm/index.ts';
import { type HostResolver, WebhookTargetRefusedError } from '../../lib/wfm/url-policy.ts';

// DNS rebinding: a name that passes the URL check with a public address and resolves to 127.0.0.1 when the
// connection is made. The default webhook transport checks the address it connects to, so a deployed sender
// (private targets not allowed) never reaches the loopback receiver below; the local stack (allowed) does.

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const EVENT = buildAgentEvent({
  change: 'activated',
  assignmentId: 'asg-7',
  campaignId: '12345678-1234-1234-1234-123456789012',
  status: 'applied',
  userId: 'agent-uuid-007',
  sequence: 1,
  latencyMs: 10,
  callRateTarget: 1,
  details: {},
  time: new Date('2025-03-09T14:30:00Z'),
});

let server: Server;
let port = 0;
let connections = 0;
let received: { path: string; headers: IncomingHttpHeaders }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers });
      res.writeHead(200).end('{"ok":true}');
    });
  });
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  connections = 0;
  received = [];
});

/** The first lookup (the URL check) answers a public address; every later one (the socket's) 127.0.0.1. */
function rebindingResolver(): { resolve: HostResolver; lookups: string[] } {
  const lookups: string[] = [];
  const resolve: HostResolver = async (host) => {
    lookups.push(host);
    return lookups.length === 1 ? ['93.184.215.14'] : ['127.0.0.1'];
  };
  return { resolve, lookups };
}

const deliver = (url: string, allowPrivate: boolean, resolve: HostResolver) =>
  deliverWebhook({
    endpoint: { name: 'rebinding', url },
    event: EVENT,
    secrets: [SECRET],
    allowPrivate,
    resolve,
    timeoutMs: 5000,
  });

describe('webhook delivery checks the address it connects to', () => {
  it('refuses a name that rebinds to 127.0.0.1 after the URL check, without opening a connection', async () => {
    const { resolve, lookups } = rebindingResolver();
    const outcome = await deliver(`https://rebind.example.com:${port}/hook`, false, resolve);

    expect(outcome).toMatchObject({ kind: 'refused' });
    expect(outcome.kind === 'refused' ? outcome.reason : '').toContain(
      'host rebind.example.com resolves at connect time to 127.0.0.1',
    );
    expect(lookups).toEqual(['rebind.example.com', 'rebind.example.com']);
    expect(connections).toBe(0);
    expect(received).toEqual([]);
  });

  it('delivers to the same rebinding name when private targets are allowed (local stack)', async () => {
    const { resolve, lookups } = rebindingResolver();
    const outcome = await deliver(`http://rebind.example.com:${port}/hook`, true, resolve);

    expect(outcome).toMatchObject({ kind: 'delivered', status: 200 });
    expect(lookups).toHaveLength(2);
    expect(received.map((r) => [r.path, r.headers.host])).toEqual([['/hook', `rebind.example.com:${port}`]]);
    expect(received[0]?.headers['webhook-id']).toBe(EVENT.id);
  });

  it('reports a name that stops resolving at connect time as a DNS retry', async () => {
    let calls = 0;
    const resolve: HostResolver = async () => {
      calls += 1;
      if (calls === 1) return ['93.184.215.14'];
      throw Object.assign(new Error('getaddrinfo EAI_AGAIN'), { code: 'EAI_AGAIN' });
    };
    const outcome = await deliver(`https://flaky.example.com:${port}/hook`, false, resolve);
    expect(outcome).toMatchObject({ kind: 'retry', reason: 'dns lookup failed (EAI_AGAIN)' });
    expect(connections).toBe(0);
  });
});

describe('guardedFetch on `localhost` (resolved by the system to 127.0.0.1)', () => {
  it('fails before connecting when private targets are not allowed', async () => {
    const post = guardedFetch({ allowPrivate: false });
    const failure = await post(`http://localhost:${port}/direct`, { method: 'POST', body: '{}' }).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(WebhookTargetRefusedError);
    expect(connections).toBe(0);
    expect(received).toEqual([]);
  });

  it('connects when they are, and returns the status and headers without following anything', async () => {
    const post = guardedFetch({ allowPrivate: true });
    const response = await post(`http://localhost:${port}/direct`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(response.status).toBe(200);
    expect(response.body).toBeNull();
    expect(received.map((r) => [r.path, r.headers['content-type'], r.headers['content-length']])).toEqual([
      ['/direct', 'application/json', '7'],
    ]);
  });
});
