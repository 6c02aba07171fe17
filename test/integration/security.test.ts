// Security properties of the whole pipeline on the local stack:
// (a) no credential — the CXone credentials, any token CXone issued, the API token, the webhook signing secret —
//     shows up in a handler's log line, an API response, a webhook, CXone's request log or the table, through a
//     scenario with a token revocation, CXone retries, a webhook retry and a signing-secret rotation (the whole
//     suite's printed output is scanned too, by test/support/security/output-scan.ts);
// (b) every webhook verifies with the standardwebhooks library, and not with a wrong secret, a stale timestamp
//     or a changed body;
// (c) webhook targets that are plain http, loopback, private or link-local are refused unless allowed locally;
// (d) every API route refuses missing or wrong credentials with a 401 problem, and a valid token without the
//     route's scope with a 403 problem;
// (e) no IAM statement grants a wildcard action.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SANDBOX_CREDENTIALS } from '../../infra/local/cxone-sandbox/server.ts';
import { PROJECT_ROOT } from '../../infra/local/moto.ts';
import { printServiceDefinition } from '../../infra/local/service-definition.ts';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.ts';
import { buildAgentEvent, deliverWebhook } from '../../lib/wfm/index.ts';
import { iamStatementsIn, wildcardGrants } from '../support/security/iam.ts';
import {
  basicCredentials,
  describeFindings,
  findSecrets,
  type KnownSecret,
  localSecrets,
  secretForms,
} from '../support/security/secrets.ts';
import { captureProcessOutput } from '../support/security/tee-output.ts';
import { FILE_MARKER, scanTestOutput } from '../support/security/test-output.ts';

const CAMPAIGN = '12345678-1234-1234-1234-123456789012';
const FINAL = ['applied', 'partially_applied', 'rejected', 'failed', 'superseded'];
const newSigningSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

const API_TOKEN = `sec-test-${randomBytes(18).toString('base64url')}`;
const ADMIN_TOKEN = `sec-admin-${randomBytes(18).toString('base64url')}`;
const SIGNING_SECRET = newSigningSecret();
const ROTATED_SIGNING_SECRET = newSigningSecret();

let stack: LocalStack;
let output: ReturnType<typeof captureProcessOutput>;
let aws: { dynamodb: DynamoDBClient; secrets: SecretsManagerClient };
const stackLog: string[] = [];
/** Every API answer of the scenario: status, headers and body as text. */
const apiAnswers: string[] = [];

beforeAll(async () => {
  // Kept off the terminal (DEBUG logs) and scanned below instead.
  output = captureProcessOutput(false);
  stack = await startLocalStack({
    port: 0,
    cxoneSandboxPort: 0,
    wfmReceiverPort: 0,
    motoPort: 0,
    apiToken: API_TOKEN,
    adminToken: ADMIN_TOKEN,
    wfmWebhookSecret: SIGNING_SECRET,
    rebalanceIntervalSeconds: 3600,
    queueVisibilityTimeoutSeconds: 8,
    functionTimeoutSeconds: 8,
    // Everything the handlers can log is logged, so that everything is scanned.
    env: {
      POWERTOOLS_LOG_LEVEL: 'DEBUG',
      SECRETS_MAX_AGE_SECONDS: '1',
      DISPATCH_RETRY_BASE_SECONDS: '1',
      WFM_RETRY_SCHEDULE_SECONDS: '1,2,4',
    },
    log: (line) => stackLog.push(line),
  });
  const config = {
    endpoint: stack.motoUrl,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
  aws = { dynamodb: new DynamoDBClient(config), secrets: new SecretsManagerClient(config) };
}, 240_000);

afterAll(async () => {
  output?.stop();
  aws?.dynamodb.destroy();
  aws?.secrets.destroy();
  await stack?.stop();
});

async function api(path: string, init: RequestInit = {}): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json', ...init.headers },
  });
  const text = await response.text();
  apiAnswers.push(`${response.status} ${JSON.stringify([...response.headers])} ${text}`);
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

function submission(userIds: string[]) {
  return {
    agents: userIds.map((userId) => ({
      userId,
      skills: ['sales', 'preview-qualified'],
      availabilityWindow: { start: '09:00', end: '17:00', timezone: 'America/New_York' },
      maxConcurrentCalls: 1,
      recentCallRate: 4.2,
    })),
    callRateTarget: 8.5,
  };
}

async function submit(userIds: string[]): Promise<string> {
  const { status, body } = await api(`/campaigns/${CAMPAIGN}/agents`, {
    method: 'PUT',
    body: JSON.stringify(submission(userIds)),
  });
  expect(status, JSON.stringify(body)).toBe(202);
  return (body as { assignmentId: string }).assignmentId;
}

async function poll<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function finalStatus(assignmentId: string): Promise<string> {
  return poll(`a final status of ${assignmentId}`, async () => {
    const { body } = await api(`/assignments/${assignmentId}`);
    const status = (body as { status: string }).status;
    return FINAL.includes(status) ? status : undefined;
  });
}

interface ReceivedWebhook {
  headers: Record<string, string>;
  body: string;
  signatureValid: boolean;
  accepted: boolean;
  status: number;
}

async function received(): Promise<ReceivedWebhook[]> {
  return (await (await fetch(`${stack.wfmUrl}/received`)).json()) as ReceivedWebhook[];
}

const eventOf = (hook: ReceivedWebhook) =>
  JSON.parse(hook.body) as { id: string; type: string; data: { assignmentId?: string } };

async function finalWebhook(assignmentId: string, accepted = true): Promise<ReceivedWebhook> {
  return poll(`the final webhook of ${assignmentId}`, async () =>
    (await received()).find((hook) => {
      const event = eventOf(hook);
      return (
        event.type.startsWith('com.cxone-assignments.assignment.') &&
        event.data.assignmentId === assignmentId &&
        hook.accepted === accepted
      );
    }),
  );
}

interface SandboxRequest {
  method: string;
  path: string;
  status: number;
  fault: string | null;
}

async function sandboxRequests(): Promise<SandboxRequest[]> {
  return (await (await fetch(`${stack.cxoneUrl}/sandbox/requests`)).json()) as SandboxRequest[];
}

async function sandboxFaults(faults: Record<string, unknown> | 'reset'): Promise<void> {
  const response = await fetch(`${stack.cxoneUrl}/sandbox/faults`, {
    method: faults === 'reset' ? 'DELETE' : 'PUT',
    headers: { 'content-type': 'application/json' },
    ...(faults === 'reset' ? {} : { body: JSON.stringify(faults) }),
  });
  expect(response.status).toBe(200);
}

async function receiverFaults(faults: Record<string, unknown> | 'reset'): Promise<void> {
  const response = await fetch(`${stack.wfmUrl}/faults`, {
    method: faults === 'reset' ? 'DELETE' : 'PUT',
    headers: { 'content-type': 'application/json' },
    ...(faults === 'reset' ? {} : { body: JSON.stringify(faults) }),
  });
  expect(response.status).toBe(200);
}

interface IssuedTokens {
  tokens: { accessToken: string; refreshToken: string }[];
}

async function issuedTokens(): Promise<IssuedTokens['tokens']> {
  return ((await (await fetch(`${stack.cxoneUrl}/sandbox/tokens`)).json()) as IssuedTokens).tokens;
}

const tableNameOf = () => stack.functions.find((fn) => fn.environment.TABLE_NAME)?.environment.TABLE_NAME;

async function tableItems(): Promise<unknown[]> {
  const items: unknown[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await aws.dynamodb.send(
      new ScanCommand({ TableName: tableNameOf(), ExclusiveStartKey: startKey as never }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

async function putSigningSecret(value: { current: string; previous?: string }): Promise<void> {
  const secretId = stack.functions.find((fn) => fn.environment.WFM_SECRET_ID)?.environment.WFM_SECRET_ID;
  await aws.secrets.send(
    new PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify(value) }),
  );
}

describe('the CXone sandbox’s token record (GET /sandbox/tokens, test-only)', () => {
  it('lists every token pair it issued, revoked ones included', async () => {
    const response = await fetch(`${stack.cxoneUrl}/auth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${basicCredentials(SANDBOX_CREDENTIALS.clientId, SANDBOX_CREDENTIALS.clientSecret)}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        grant_type: 'password',
        username: SANDBOX_CREDENTIALS.accessKeyId,
        password: SANDBOX_CREDENTIALS.accessKeySecret,
      }),
    });
    expect(response.status).toBe(200);
    const issued = (await response.json()) as { access_token: string; refresh_token: string };
    const pair = { accessToken: issued.access_token, refreshToken: issued.refresh_token };
    expect(await issuedTokens()).toContainEqual(pair);
    await sandboxFaults({ revokeTokensNow: true });
    expect(await issuedTokens()).toContainEqual(pair);
    const put = await fetch(`${stack.cxoneUrl}/sandbox/tokens`, { method: 'PUT' });
    expect(put.status).toBe(405);
  });
});

describe('(a) credentials never leak', () => {
  const assignments: string[] = [];

  it('runs a scenario with a token revocation, CXone retries, a webhook retry and a secret rotation', async () => {
    // 1. Submit → dispatch → webhook.
    const first = await submit(['agent-uuid-001']);
    assignments.push(first);
    expect(await finalStatus(first)).toBe('applied');
    await finalWebhook(first);

    // 2. CXone revokes every token: the dispatcher's cached token is refused, it gets a new one and goes on.
    const beforeRevocation = (await sandboxRequests()).length;
    await sandboxFaults({ revokeTokensNow: true });
    const second = await submit(['agent-uuid-001', 'agent-uuid-002']);
    assignments.push(second);
    expect(await finalStatus(second)).toBe('applied');
    const afterRevocation = (await sandboxRequests()).slice(beforeRevocation);
    const refused = afterRevocation.findIndex((r) => r.status === 401);
    expect(refused, 'a call refused with the revoked token').toBeGreaterThanOrEqual(0);
    expect(afterRevocation.slice(refused).some((r) => r.path === '/auth/token' && r.status === 200)).toBe(
      true,
    );

    // 3. CXone fails for a while: the client retries (and logs each retry), then the dispatch goes through.
    await sandboxFaults({ rate5xx: 1 });
    const third = await submit(['agent-uuid-003']);
    assignments.push(third);
    await poll('an injected CXone 5xx', async () =>
      (await sandboxRequests()).some((r) => r.fault === 'rate5xx') ? true : undefined,
    );
    await sandboxFaults('reset');
    expect(await finalStatus(third)).toBe('applied');

    // 4. The WFM receiver fails the first attempts: the webhook is redelivered with the same webhook-id.
    await receiverFaults({ failRate: 1, status: 503, retryAfterSeconds: 1 });
    const fourth = await submit(['agent-uuid-004']);
    assignments.push(fourth);
    expect(await finalStatus(fourth)).toBe('applied');
    const refusedHook = await finalWebhook(fourth, false);
    await receiverFaults('reset');
    const deliveredHook = await finalWebhook(fourth, true);
    expect(deliveredHook.headers['webhook-id']).toBe(refusedHook.headers['webhook-id']);

    // 5. Signing-secret rotation: while `previous` is set, every webhook carries both signatures.
    await putSigningSecret({ current: ROTATED_SIGNING_SECRET, previous: SIGNING_SECRET });
    await new Promise((resolve) => setTimeout(resolve, 1500)); // SECRETS_MAX_AGE_SECONDS=1
    const fifth = await submit(['agent-uuid-005']);
    assignments.push(fifth);
    expect(await finalStatus(fifth)).toBe('applied');
    const rotatedHook = await finalWebhook(fifth);
    expect(rotatedHook.headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(rotatedHook.signatureValid).toBe(true); // the receiver still only knows the previous secret
  }, 240_000);

  it('finds none of them in the handlers’ output, responses, webhooks, CXone’s request log or the table', async () => {
    output.stop();
    const tokens = await issuedTokens();
    expect(tokens.length, 'the revocation made the dispatcher get a new token').toBeGreaterThanOrEqual(2);
    const secrets: KnownSecret[] = [
      ...localSecrets(),
      ...secretForms('API token', API_TOKEN),
      ...secretForms('admin API token', ADMIN_TOKEN),
      ...secretForms('WFM signing secret', SIGNING_SECRET),
      ...secretForms('rotated WFM signing secret', ROTATED_SIGNING_SECRET),
      ...tokens.flatMap((pair, i) => [
        ...secretForms(`sandbox access token #${i + 1}`, pair.accessToken),
        ...secretForms(`sandbox refresh token #${i + 1}`, pair.refreshToken),
      ]),
    ];
    const handlerOutput = output.text();
    // The capture did see the handlers: their log lines (DEBUG) name the assignments of the scenario.
    for (const assignmentId of assignments) expect(handlerOutput).toContain(assignmentId);
    expect(handlerOutput).toContain('webhook delivered');
    // And the scanner does find a credential where there is one.
    expect(findSecrets(JSON.stringify(tokens), secrets).length).toBeGreaterThan(0);

    const sources: Record<string, string> = {
      'handler stdout/stderr': handlerOutput,
      'local stack log': stackLog.join('\n'),
      'API responses': apiAnswers.join('\n'),
      'WFM receiver (headers and bodies)': JSON.stringify(await received(), null, 1),
      'CXone sandbox request log': JSON.stringify(await sandboxRequests(), null, 1),
      'DynamoDB table': JSON.stringify(await tableItems(), null, 1),
    };
    for (const [where, text] of Object.entries(sources)) {
      expect(text.length, where).toBeGreaterThan(0);
      expect(describeFindings(where, findSecrets(text, secrets)), where).toBe('');
    }
  }, 60_000);

  describe('(b) webhooks', () => {
    it('every webhook received verifies with the standardwebhooks library, and only with the right secret', async () => {
      const hooks = await received();
      expect(hooks.length).toBeGreaterThanOrEqual(5);
      const wrong = new Webhook(newSigningSecret());
      for (const hook of hooks) {
        const signatures = hook.headers['webhook-signature']?.split(' ') ?? [];
        // Signed with the first secret throughout (current, then previous while rotating).
        expect(() => new Webhook(SIGNING_SECRET).verify(hook.body, hook.headers)).not.toThrow();
        if (signatures.length === 2) {
          expect(() => new Webhook(ROTATED_SIGNING_SECRET).verify(hook.body, hook.headers)).not.toThrow();
        }
        expect(() => wrong.verify(hook.body, hook.headers)).toThrow(WebhookVerificationError);
        expect(() => new Webhook(SIGNING_SECRET).verify(`${hook.body} `, hook.headers)).toThrow(
          WebhookVerificationError,
        );
      }
    });

    it('refuses a webhook whose timestamp is more than 5 minutes old, replayed or re-signed', async () => {
      const [hook] = await received();
      if (!hook) throw new Error('no webhook received');
      const timestamp = Number(hook.headers['webhook-timestamp']);
      const verifier = new Webhook(SIGNING_SECRET);
      // Replayed 5 min 1 s after it was signed.
      vi.useFakeTimers({ now: (timestamp + 301) * 1000, toFake: ['Date'] });
      try {
        expect(() => verifier.verify(hook.body, hook.headers)).toThrow(WebhookVerificationError);
      } finally {
        vi.useRealTimers();
      }
      // Signed correctly, but with a timestamp from more than 5 minutes ago.
      const stale = new Date(Date.now() - 301_000);
      const staleHeaders = {
        ...hook.headers,
        'webhook-timestamp': String(Math.floor(stale.getTime() / 1000)),
        'webhook-signature': verifier.sign(hook.headers['webhook-id'] as string, stale, hook.body),
      };
      expect(() => verifier.verify(hook.body, staleHeaders)).toThrow(WebhookVerificationError);
      // The same, fresh, verifies: only the age made the difference.
      const fresh = new Date();
      const freshHeaders = {
        ...hook.headers,
        'webhook-timestamp': String(Math.floor(fresh.getTime() / 1000)),
        'webhook-signature': verifier.sign(hook.headers['webhook-id'] as string, fresh, hook.body),
      };
      expect(() => verifier.verify(hook.body, freshHeaders)).not.toThrow();
    });
  });
});

describe('(a) the scan of everything the suite prints (output-scan.ts)', () => {
  it('reports the file, line and test of a printed secret, without printing the secret', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'output-scan-'));
    try {
      const token = `sbx_at_${randomBytes(24).toString('base64url')}`;
      await writeFile(
        join(dir, 'worker-1.log'),
        [
          `${FILE_MARKER}test/unit/quiet.test.ts`,
          'nothing here',
          `${FILE_MARKER}test/integration/noisy.test.ts`,
          `retrying with Authorization: Bearer ${token}`,
          `{"secret":"${SANDBOX_CREDENTIALS.accessKeySecret}"}`,
        ].join('\n'),
      );
      await writeFile(join(dir, 'worker-2.log'), `${FILE_MARKER}test/unit/clean.test.ts\nall good\n`);
      const findings = await scanTestOutput(dir);
      expect(findings.map((f) => f.testFile)).toEqual([
        'test/integration/noisy.test.ts',
        'test/integration/noisy.test.ts',
      ]);
      expect(findings[0]?.description).toMatch(
        /worker-1\.log:4 CXone sandbox access token: .*\[CXone sandbox/,
      );
      expect(findings[1]?.description).toMatch(/worker-1\.log:5 sandbox accessKeySecret/);
      const report = JSON.stringify(findings);
      expect(report).not.toContain(token);
      expect(report).not.toContain(SANDBOX_CREDENTIALS.accessKeySecret);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('(c) webhook targets', () => {
  let target: Server;
  let port = 0;
  let hits = 0;
  const event = buildAgentEvent({
    change: 'activated',
    assignmentId: 'asg-security',
    campaignId: CAMPAIGN,
    status: 'applied',
    userId: 'agent-uuid-001',
    sequence: 1,
    time: new Date(),
  });

  beforeAll(async () => {
    target = createServer((req, res) => {
      hits++;
      req.resume();
      res.writeHead(204).end();
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    port = (target.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => target.close(resolve));
  });

  /** Names resolve only through this table: no real DNS lookups. */
  const resolver = async (hostname: string) => {
    const table: Record<string, string[]> = {
      'metadata.wfm.example': ['169.254.169.254'],
      'split.wfm.example': ['93.184.216.34', '10.0.0.7'],
      'loopback.wfm.example': ['127.0.0.1'],
      'mapped.wfm.example': ['::ffff:169.254.169.254'],
      'public.wfm.example': ['93.184.216.34'],
    };
    const addresses = table[hostname];
    if (!addresses) throw Object.assign(new Error(`no such host ${hostname}`), { code: 'ENOTFOUND' });
    return addresses;
  };

  async function attempt(url: string, allowPrivate: boolean) {
    const fetchSpy = vi.fn(globalThis.fetch);
    const outcome = await deliverWebhook({
      endpoint: { name: 'security-test', url },
      event,
      secrets: [SIGNING_SECRET],
      allowPrivate,
      resolve: resolver,
      fetch: fetchSpy,
      timeoutMs: 5000,
    });
    return { outcome, calls: fetchSpy.mock.calls.length };
  }

  it('refuses plain http, loopback, private, CGNAT and link-local targets when deployed (allowPrivate: false)', async () => {
    const refused = [
      `http://127.0.0.1:${port}/hook`,
      `https://127.0.0.1:${port}/hook`,
      `https://localhost:${port}/hook`,
      `https://[::1]:${port}/hook`,
      `https://[::ffff:127.0.0.1]:${port}/hook`,
      'https://169.254.169.254/latest/meta-data/iam/security-credentials/',
      'https://[::ffff:169.254.169.254]/latest/meta-data/',
      'https://[fe80::1]/hook',
      'https://10.0.0.7/hook',
      'https://172.16.0.1/hook',
      'https://192.168.1.10/hook',
      'https://100.64.0.1/hook',
      'https://0.0.0.0/hook',
      'https://metadata.wfm.example/hook',
      'https://split.wfm.example/hook',
      'https://loopback.wfm.example/hook',
      'https://mapped.wfm.example/hook',
      'http://public.wfm.example/hook',
      'https://user:pass@public.wfm.example/hook',
      'ftp://public.wfm.example/hook',
    ];
    for (const url of refused) {
      const { outcome, calls } = await attempt(url, false);
      expect(outcome.kind, url).toBe('refused');
      expect(calls, url).toBe(0);
    }
    expect(hits).toBe(0);
  });

  it('allows http and loopback only when explicitly allowed for the local stack, and link-local never', async () => {
    const local = await attempt(`http://127.0.0.1:${port}/hook`, true);
    expect(local.outcome.kind).toBe('delivered');
    expect(hits).toBe(1);
    for (const url of ['https://169.254.169.254/latest/meta-data/', 'https://metadata.wfm.example/hook']) {
      const { outcome, calls } = await attempt(url, true);
      expect(outcome.kind, url).toBe('refused');
      expect(calls, url).toBe(0);
    }
  });
});

describe('(d) API credentials', () => {
  const samples: Record<string, string> = { campaignId: CAMPAIGN, assignmentId: 'some-assignment' };
  const wrongCredentials: Record<string, Record<string, string>> = {
    none: {},
    'another bearer token': { authorization: `Bearer ${API_TOKEN}x` },
    'the default local token': { authorization: 'Bearer local-dev-token' },
    'the default local admin token': { authorization: 'Bearer local-admin-token' },
    'the token without scheme': { authorization: API_TOKEN },
    'Basic with the token': { authorization: `Basic ${Buffer.from(`api:${API_TOKEN}`).toString('base64')}` },
    'an empty bearer': { authorization: 'Bearer ' },
  };

  it('answers 401 problem+json on every route of serverless.yml to missing or wrong credentials', async () => {
    const routes = stack.functions.flatMap((fn) => fn.httpRoutes);
    expect(routes.map((r) => r.routeKey).sort()).toEqual(
      [
        'GET /assignments/{assignmentId}',
        'GET /campaigns/{campaignId}/agents',
        'GET /campaigns/{campaignId}/drift',
        'GET /health',
        'PUT /campaigns/{campaignId}/agents',
        'DELETE /campaigns/{campaignId}',
        'GET /campaigns',
        'GET /campaigns/{campaignId}',
        'GET /campaigns/{campaignId}/versions',
        'PUT /campaigns/{campaignId}',
        'DELETE /webhooks/endpoints/{id}',
        'GET /webhooks/endpoints',
        'GET /webhooks/endpoints/{id}',
        'GET /webhooks/endpoints/{id}/deliveries',
        'PATCH /webhooks/endpoints/{id}',
        'POST /webhooks/endpoints',
        'POST /webhooks/endpoints/{id}/replay',
        'POST /webhooks/endpoints/{id}/rotate-secret',
      ].sort(),
    );
    const itemsBefore = (await tableItems()).length;
    for (const route of routes) {
      expect(route.authorized, `${route.routeKey} has an authorizer`).toBe(true);
      const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => samples[name] ?? 'x');
      for (const [name, headers] of Object.entries(wrongCredentials)) {
        const response = await fetch(`${stack.apiUrl}${path}`, {
          method: route.method,
          headers: { 'content-type': 'application/json', ...headers },
          ...(route.method === 'PUT' ? { body: JSON.stringify(submission(['agent-uuid-009'])) } : {}),
        });
        const label = `${route.routeKey} with ${name}`;
        expect(response.status, label).toBe(401);
        expect(response.headers.get('content-type'), label).toBe('application/problem+json');
        expect(response.headers.get('www-authenticate'), label).toMatch(/^Bearer/);
        expect(await response.json(), label).toMatchObject({ status: 401, title: expect.any(String) });
      }
    }
    expect((await tableItems()).length).toBe(itemsBefore); // nothing was stored by the refused PUTs
  });

  it('answers 403 problem+json to the API token (assignments:*) on every campaigns:admin route', async () => {
    const adminRoutes = stack.functions
      .flatMap((fn) => fn.httpRoutes)
      .filter((route) => route.authorizer?.scopes.includes('campaigns:admin'));
    expect(adminRoutes).toHaveLength(5);
    const itemsBefore = (await tableItems()).length;
    for (const route of adminRoutes) {
      const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => samples[name] ?? 'x');
      const response = await fetch(`${stack.apiUrl}${path}`, {
        method: route.method,
        headers: {
          authorization: `Bearer ${API_TOKEN}`,
          'content-type': 'application/json',
          'if-match': '*',
        },
        ...(route.method === 'PUT' ? { body: JSON.stringify({ maxAgents: 1 }) } : {}),
      });
      expect(response.status, route.routeKey).toBe(403);
      expect(response.headers.get('content-type'), route.routeKey).toBe('application/problem+json');
      expect(await response.json(), route.routeKey).toMatchObject({ status: 403, title: 'Forbidden' });
      const admin = await fetch(`${stack.apiUrl}${path}`, {
        method: 'GET',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      if (route.method === 'GET') expect(admin.status, `${route.routeKey} as admin`).toBe(200);
    }
    expect((await tableItems()).length).toBe(itemsBefore);
  });
});

describe('(e) IAM', () => {
  // test/integration/package.test.ts checks the packaged CloudFormation template (per-function roles made by
  // serverless-iam-roles-per-function) for the same; this checks every statement written in serverless.yml and
  // infra/*.yml, as osls resolves them, without packaging again.
  it('grants no wildcard action and uses no NotAction anywhere in the service definition', async () => {
    const definition = await printServiceDefinition(PROJECT_ROOT, 'ci', ['alarms=off']);
    const statements = iamStatementsIn(definition);
    const functionStatements = statements.filter((s) => s.where.startsWith('functions.'));
    expect(new Set(functionStatements.map((s) => s.where.split('.')[1])).size).toBe(15);
    const grants = statements.flatMap(({ where, statement }) =>
      wildcardGrants(statement).map((problem) => `${where}: ${problem}`),
    );
    expect(grants).toEqual([]);
    const deliver = definition.functions.deliverWfmWebhook;
    expect(deliver?.environment?.WFM_ALLOW_PRIVATE_TARGETS, 'deployed webhooks refuse private targets').toBe(
      'false',
    );
  }, 120_000);
});
