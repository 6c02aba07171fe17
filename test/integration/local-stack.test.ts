// The local stack end to end (docs/local.md), over HTTP only: the original spec's example through the real
// handlers, moto, the CXone sandbox and the WFM receiver; a resubmission that writes nothing; a poison message and
// a dispatch that keeps failing ending in the DLQ; and a stop that leaves no process behind.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.ts';
import { LOCAL_WFM_WEBHOOK_SECRET } from '../../infra/local/wfm-receiver/server.ts';
import { callApi } from '../support/local-api.ts';

const CAMPAIGN = '12345678-1234-1234-1234-123456789012';
const FAILING_CAMPAIGN = '87654321-4321-4321-4321-210987654321';
const FINAL = ['applied', 'partially_applied', 'rejected', 'failed', 'superseded'];
const CXONE_WRITES = ['POST', 'PUT', 'DELETE'];

let stack: LocalStack;
let sqs: SQSClient;
let policiesDir: string;

/** Minutes since midnight in New York (the local policy's zone and the agent's). */
function newYorkMinutesNow(): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'America/New_York',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date());
  const value = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return value('hour') * 60 + value('minute');
}

const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/**
 * An availability window around now, inside the calling hours (08:00–21:00 New York) so the agent is active now;
 * outside the calling hours no agent can be active, so the window is the calling hours and the agent inactive.
 */
function agentWindowNow(): { window: { start: string; end: string; timezone: string }; activeNow: boolean } {
  const now = newYorkMinutesNow();
  const open = 8 * 60;
  const close = 21 * 60;
  if (now < open || now >= close) {
    return { window: { start: '08:00', end: '21:00', timezone: 'America/New_York' }, activeNow: false };
  }
  const start = Math.max(open, now - 60);
  const end = Math.min(close, Math.max(now + 120, start + 61));
  return { window: { start: hhmm(start), end: hhmm(end), timezone: 'America/New_York' }, activeNow: true };
}

/** The original spec's payload (README's example) with a window around now. */
function specExample(window: { start: string; end: string; timezone: string }) {
  return {
    agents: [
      {
        userId: 'agent-uuid-001',
        skills: ['sales', 'preview-qualified'],
        availabilityWindow: window,
        maxConcurrentCalls: 1,
        recentCallRate: 4.2,
      },
    ],
    callRateTarget: 8.5,
  };
}

const api = (path: string, init?: RequestInit) => callApi(stack, path, init);

async function submit(campaignId: string, body: unknown): Promise<string> {
  const response = await api(`/campaigns/${campaignId}/agents`, {
    method: 'PUT',
    body: JSON.stringify(body),
  });
  const accepted = (await response.json()) as { assignmentId: string; status: string; agents: number };
  expect(response.status, JSON.stringify(accepted)).toBe(202);
  expect(accepted).toMatchObject({ campaignId, status: 'queued', agents: 1 });
  expect(response.headers.get('location')).toBe(`/assignments/${accepted.assignmentId}`);
  return accepted.assignmentId;
}

async function waitForFinalStatus(assignmentId: string, timeoutMs: number): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await api(`/assignments/${assignmentId}`);
    expect(response.status).toBe(200);
    const assignment = (await response.json()) as Record<string, unknown>;
    if (FINAL.includes(assignment.status as string)) return assignment;
    if (Date.now() > deadline) throw new Error(`assignment still ${assignment.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

interface SandboxRequest {
  method: string;
  path: string;
  status: number;
  correlationId: string | null;
}

async function sandboxRequestsOf(assignmentId: string): Promise<SandboxRequest[]> {
  const all = (await (await fetch(`${stack.cxoneUrl}/sandbox/requests`)).json()) as SandboxRequest[];
  return all.filter((request) => request.correlationId === assignmentId);
}

const isCxoneWrite = (request: SandboxRequest) =>
  CXONE_WRITES.includes(request.method) && !/\/(auth|oauth2)\/token$/.test(request.path);

interface ReceivedWebhook {
  headers: Record<string, string>;
  body: string;
  signatureValid: boolean;
}

async function waitForWebhook(
  type: string,
  assignmentId: string,
  timeoutMs: number,
): Promise<ReceivedWebhook> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const received = (await (await fetch(`${stack.wfmUrl}/received`)).json()) as ReceivedWebhook[];
    const match = received.find((hook) => {
      const event = JSON.parse(hook.body) as { type?: string; data?: { assignmentId?: string } };
      return event.type === type && event.data?.assignmentId === assignmentId;
    });
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`no ${type} webhook for ${assignmentId}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function dlqBodies(): Promise<{ body: string; receiveCount: number }[]> {
  const url = stack.queues.DispatchDLQ?.url as string;
  const { Messages } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: url,
      MaxNumberOfMessages: 10,
      VisibilityTimeout: 0, // look without taking: the messages stay visible
      MessageSystemAttributeNames: ['ApproximateReceiveCount'],
    }),
  );
  return (Messages ?? []).map((m) => ({
    body: m.Body as string,
    receiveCount: Number(m.Attributes?.ApproximateReceiveCount),
  }));
}

beforeAll(async () => {
  policiesDir = await mkdtemp(join(tmpdir(), 'local-stack-test-'));
  const extraPolicies = join(policiesDir, 'extra-policies.json');
  await writeFile(
    extraPolicies,
    JSON.stringify([
      {
        campaignId: FAILING_CAMPAIGN,
        cxoneSkillId: 4509999,
        timezone: 'America/New_York',
        callingHours: { start: '08:00', end: '21:00' },
        allowedAgentTimezones: ['America/New_York'],
        minWindowOverlapMinutes: 60,
        maxAgents: 5,
        maxConcurrentCallsPerAgent: 2,
        requiredSkills: ['preview-qualified'],
        callRateTarget: 8.5,
        capacityThreshold: 0.3,
      },
    ]),
  );
  stack = await startLocalStack({
    port: 0,
    cxoneSandboxPort: 0,
    wfmReceiverPort: 0,
    motoPort: 0,
    extraPoliciesFile: extraPolicies,
    // Local-only knobs so that retries and the DLQ take seconds, not the deployed minutes.
    queueVisibilityTimeoutSeconds: 8,
    functionTimeoutSeconds: 8,
    rebalanceIntervalSeconds: 3600,
    env: { POWERTOOLS_LOG_LEVEL: 'ERROR', DISPATCH_RETRY_BASE_SECONDS: '1' },
  });
  sqs = new SQSClient({
    endpoint: stack.motoUrl,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}, 240_000);

afterAll(async () => {
  sqs?.destroy();
  await stack?.stop();
  if (policiesDir) await rm(policiesDir, { recursive: true, force: true });
});

describe('local stack', () => {
  it('creates the queues of serverless.yml in moto, with the FIFO DLQ redrive', async () => {
    const dispatch = stack.queues.DispatchQueue;
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: dispatch?.url, AttributeNames: ['All'] }),
    );
    expect(Attributes?.FifoQueue).toBe('true');
    expect(JSON.parse(Attributes?.RedrivePolicy ?? '{}')).toEqual({
      deadLetterTargetArn: stack.queues.DispatchDLQ?.arn,
      maxReceiveCount: Number(
        stack.functions.find((fn) => fn.key === 'dispatchAssignments')?.environment
          .DISPATCH_MAX_RECEIVE_COUNT,
      ),
    });
  });

  it('gates the API like the deployed authorizer and answers unknown routes with problem+json', async () => {
    const anonymous = await fetch(`${stack.apiUrl}/assignments/some-id`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toBe('application/problem+json');
    const unknown = await api('/nowhere');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { status: number }).status).toBe(404);
    const health = await api('/health');
    expect(await health.json()).toEqual({ status: 'ok' });
  });

  it('applies the original spec’s example end to end and tells the WFM receiver with a valid signature', async () => {
    const { window, activeNow } = agentWindowNow();
    const assignmentId = await submit(CAMPAIGN, specExample(window));

    const assignment = await waitForFinalStatus(assignmentId, 30_000);
    expect(assignment).toMatchObject({
      assignmentId,
      campaignId: CAMPAIGN,
      status: 'applied',
      agentsRequested: 1,
    });

    const state = (await (await fetch(`${stack.cxoneUrl}/sandbox/state`)).json()) as {
      skills: Record<string, { userId: string; isActive: boolean }[]>;
    };
    expect(state.skills['4501234']).toEqual([
      expect.objectContaining({ userId: 'agent-uuid-001', isActive: activeNow }),
    ]);

    const webhook = await waitForWebhook('com.cxone-assignments.assignment.applied', assignmentId, 20_000);
    expect(webhook.signatureValid).toBe(true);
    // Verified here too, independently of the receiver, from the raw body and headers as delivered.
    expect(() => new Webhook(LOCAL_WFM_WEBHOOK_SECRET).verify(webhook.body, webhook.headers)).not.toThrow();
    expect(JSON.parse(webhook.body).data).toMatchObject({
      assignmentId,
      campaignId: CAMPAIGN,
      status: 'applied',
    });
  }, 60_000);

  it('makes zero CXone writes when the same state is submitted again', async () => {
    const { window } = agentWindowNow();
    const assignmentId = await submit(CAMPAIGN, specExample(window));
    const assignment = await waitForFinalStatus(assignmentId, 30_000);
    expect(assignment.status).toBe('applied');
    const requests = await sandboxRequestsOf(assignmentId);
    expect(requests.length).toBeGreaterThan(0); // it did read CXone …
    expect(requests.filter(isCxoneWrite)).toEqual([]); // … and wrote nothing
  }, 60_000);

  it('moves a poison message and a dispatch that keeps failing to the DLQ, the latter marked failed', async () => {
    const maxReceiveCount = Number(
      stack.functions.find((fn) => fn.key === 'dispatchAssignments')?.environment.DISPATCH_MAX_RECEIVE_COUNT,
    );
    const poison = `not json ${Date.now()}`;
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: stack.queues.DispatchQueue?.url,
        MessageBody: poison,
        MessageGroupId: 'poison-test',
        MessageDeduplicationId: `poison-${Date.now()}`,
      }),
    );

    const faults = await fetch(`${stack.cxoneUrl}/sandbox/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rate5xx: 1 }),
    });
    expect(faults.status).toBe(200);
    const { window } = agentWindowNow();
    const failingId = await submit(FAILING_CAMPAIGN, specExample(window));

    const assignment = await waitForFinalStatus(failingId, 120_000);
    expect(assignment.status).toBe('failed');
    const attempts = (await sandboxRequestsOf(failingId)).filter((r) => r.status >= 500);
    expect(attempts.length).toBeGreaterThanOrEqual(maxReceiveCount);
    await waitForWebhook('com.cxone-assignments.assignment.failed', failingId, 30_000);

    let bodies: { body: string; receiveCount: number }[] = [];
    const deadline = Date.now() + 90_000;
    const inDlq = () => ({
      poison: bodies.find((m) => m.body === poison),
      failing: bodies.find((m) => m.body.includes(failingId)),
    });
    while (!(inDlq().poison && inDlq().failing) && Date.now() < deadline) {
      const seen = await dlqBodies();
      bodies = [...bodies.filter((b) => !seen.some((s) => s.body === b.body)), ...seen];
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(inDlq().poison?.receiveCount).toBeGreaterThanOrEqual(maxReceiveCount);
    expect(inDlq().failing?.receiveCount).toBeGreaterThanOrEqual(maxReceiveCount);
    await fetch(`${stack.cxoneUrl}/sandbox/faults`, { method: 'DELETE' });
  }, 170_000);

  it('stops everything, leaving no process or listener behind', async () => {
    const { motoPid, apiUrl, cxoneUrl, wfmUrl, motoUrl } = stack;
    await stack.stop();
    expect(() => process.kill(motoPid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    for (const url of [apiUrl, cxoneUrl, wfmUrl, motoUrl]) {
      await expect(fetch(url, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
    }
  }, 30_000);
});
