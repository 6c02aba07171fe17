// WFM webhook endpoints on the local stack, over HTTP only: endpoints created through the API beside the deploy
// parameter's, each with its own secret and filter; an outage shorter than the schedule survived; replay with the
// original ids; rotation's two signatures; 410 and a whole failed schedule disabling an endpoint (its deliveries in
// the DLQ) while the others get every event on time. The retry schedule is compressed to 1, 2, 4 s and the
// disabling window to 5 s (WFM_RETRY_SCHEDULE_SECONDS, WFM_DISABLE_AFTER_SECONDS).
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.ts';
import { LOCAL_WFM_WEBHOOK_SECRET } from '../../infra/local/wfm-receiver/server.ts';
import { callApi } from '../support/local-api.ts';

const CAMPAIGN = '12345678-1234-1234-1234-123456789012';
const STATIC_PATH = '/webhooks';
const ASSIGNMENT_TYPES = 'com.cxone-assignments.assignment.*';

let stack: LocalStack;
let sqs: SQSClient;
let agentNumber = 0;

interface Received {
  receivedAt: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  signatureValid: boolean;
  accepted: boolean;
}
interface EventBody {
  id: string;
  type: string;
  data: Record<string, unknown>;
}
interface Endpoint {
  id: string;
  url: string;
  eventTypes: string[];
  enabled: boolean;
  disabledReason?: string;
  secret?: string;
  previousSecretExpiresAt?: string;
}

// The admin token: the endpoint routes need webhooks:admin (it also holds the assignment scopes).
const api = (path: string, init?: RequestInit) =>
  callApi({ apiUrl: stack.apiUrl, apiToken: stack.adminToken }, path, init);
const post = (path: string, body: unknown) => api(path, { method: 'POST', body: JSON.stringify(body) });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

async function receiver(path: string, init?: RequestInit): Promise<Response> {
  return fetch(`${stack.wfmUrl}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...init?.headers },
  });
}

async function receivedOn(path: string): Promise<Received[]> {
  return (await (await receiver(`/received?path=${encodeURIComponent(path)}`)).json()) as Received[];
}

const eventOf = (hook: Received) => JSON.parse(hook.body) as EventBody;
const ofAssignment = (assignmentId: string) => (hook: Received) =>
  eventOf(hook).data.assignmentId === assignmentId;

async function createEndpoint(path: string, extra: Record<string, unknown> = {}): Promise<Endpoint> {
  const response = await post('/webhooks/endpoints', { url: `${stack.wfmUrl}${path}`, ...extra });
  const endpoint = (await response.json()) as Endpoint;
  expect(response.status, JSON.stringify(endpoint)).toBe(201);
  expect(response.headers.get('location')).toBe(`/webhooks/endpoints/${endpoint.id}`);
  // The receiver verifies that path with the endpoint's own secret.
  await receiver('/secrets', { method: 'PUT', body: JSON.stringify({ path, secret: endpoint.secret }) });
  return endpoint;
}

async function getEndpoint(id: string): Promise<Endpoint> {
  const response = await api(`/webhooks/endpoints/${id}`);
  expect(response.status).toBe(200);
  return (await response.json()) as Endpoint;
}

/** A desired state with one agent, a different one each time, so each assignment adds and removes an agent. */
async function submit(): Promise<string> {
  agentNumber += 1;
  const response = await api(`/campaigns/${CAMPAIGN}/agents`, {
    method: 'PUT',
    body: JSON.stringify({
      agents: [
        {
          userId: `agent-uuid-${String(100 + agentNumber).padStart(3, '0')}`,
          skills: ['sales', 'preview-qualified'],
          availabilityWindow: { start: '08:00', end: '21:00', timezone: 'America/New_York' },
          maxConcurrentCalls: 1,
          recentCallRate: 4.2,
        },
      ],
    }),
  });
  const accepted = (await response.json()) as { assignmentId: string };
  expect(response.status, JSON.stringify(accepted)).toBe(202);
  return accepted.assignmentId;
}

/** The static endpoint's webhooks of one assignment once its final event is in (it receives every event). */
async function staticWebhooksOf(assignmentId: string): Promise<Received[]> {
  return waitFor(`the static endpoint's webhooks of ${assignmentId}`, async () => {
    const hooks = (await receivedOn(STATIC_PATH)).filter(ofAssignment(assignmentId));
    return hooks.some((hook) => eventOf(hook).type.startsWith('com.cxone-assignments.assignment.'))
      ? hooks
      : undefined;
  });
}

function headersOf(hook: Received): Record<string, string> {
  return hook.headers;
}

const verifies = (secret: string, hook: Received) => {
  try {
    new Webhook(secret).verify(hook.body, headersOf(hook));
    return true;
  } catch {
    return false;
  }
};

async function dlqBodies(): Promise<string[]> {
  const bodies: string[] = [];
  for (let i = 0; i < 5; i++) {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: stack.queues.WfmEventsDLQ?.url as string,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 30,
      }),
    );
    if (!Messages || Messages.length === 0) break;
    bodies.push(...Messages.map((message) => message.Body as string));
  }
  return bodies;
}

beforeAll(async () => {
  stack = await startLocalStack({
    port: 0,
    cxoneSandboxPort: 0,
    wfmReceiverPort: 0,
    motoPort: 0,
    rebalanceIntervalSeconds: 3600,
    env: {
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      WFM_RETRY_SCHEDULE_SECONDS: '1,2,4',
      WFM_DISABLE_AFTER_SECONDS: '5',
    },
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
});

describe('webhook endpoints created through the API', () => {
  let endpoint: Endpoint;

  it('refuses a URL the policy forbids and an unknown event type, listing both errors', async () => {
    const response = await post('/webhooks/endpoints', {
      url: 'http://169.254.169.254/latest/meta-data',
      eventTypes: ['com.cxone-assignments.nothing.*'],
    });
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const problem = (await response.json()) as { errors: { path: string; code: string }[] };
    expect(problem.errors.map((error) => error.path).sort()).toEqual(['eventTypes[0]', 'url']);
    expect(problem.errors.find((error) => error.path === 'url')?.code).toBe('address_not_allowed');
  });

  it('delivers to a second endpoint only what its filter matches, signed with its own secret', async () => {
    endpoint = await createEndpoint('/filtered', { eventTypes: [ASSIGNMENT_TYPES], description: 'WFM A' });
    expect(endpoint.secret).toMatch(/^whsec_/);
    const listed = (await (await api('/webhooks/endpoints')).json()) as { items: Endpoint[] };
    expect(listed.items.map((item) => item.id)).toContain(endpoint.id);
    expect(JSON.stringify(listed)).not.toContain('whsec_');
    expect(await getEndpoint(endpoint.id)).not.toHaveProperty('secret');

    const assignmentId = await submit();
    const all = await staticWebhooksOf(assignmentId);
    expect(all.map((hook) => eventOf(hook).type)).toEqual(
      expect.arrayContaining([
        'com.cxone-assignments.agent.added',
        'com.cxone-assignments.assignment.applied',
      ]),
    );
    const mine = await waitFor('the filtered endpoint’s webhook', async () => {
      const hooks = (await receivedOn('/filtered')).filter(ofAssignment(assignmentId));
      return hooks.length > 0 ? hooks : undefined;
    });
    await sleep(500);
    const settled = (await receivedOn('/filtered')).filter(ofAssignment(assignmentId));
    expect(settled.map((hook) => eventOf(hook).type)).toEqual(['com.cxone-assignments.assignment.applied']);
    const [hook] = mine as [Received];
    expect(hook.signatureValid).toBe(true);
    expect(verifies(endpoint.secret as string, hook)).toBe(true);
    expect(verifies(LOCAL_WFM_WEBHOOK_SECRET, hook)).toBe(false);
    // The static endpoint's copy of the same event carries the same id, signed with the stage's secret.
    const same = all.find((other) => eventOf(other).id === eventOf(hook).id) as Received;
    expect(verifies(LOCAL_WFM_WEBHOOK_SECRET, same)).toBe(true);
    expect(verifies(endpoint.secret as string, same)).toBe(false);

    const deliveries = (await (await api(`/webhooks/endpoints/${endpoint.id}/deliveries`)).json()) as {
      items: { eventId: string; outcome: string; attempt: number; httpStatus?: number }[];
    };
    expect(deliveries.items[0]).toMatchObject({
      eventId: eventOf(hook).id,
      outcome: 'delivered',
      attempt: 1,
      httpStatus: 204,
    });
  });

  it('survives a receiver outage longer than the first retries: nothing is lost', async () => {
    await receiver('/faults', { method: 'PUT', body: JSON.stringify({ path: '/filtered', down: true }) });
    const assignmentId = await submit();
    await staticWebhooksOf(assignmentId);
    // Attempts at 0 s and 1 s fail; the one at 3 s finds the receiver back.
    await sleep(2_000);
    await receiver('/faults', { method: 'PUT', body: JSON.stringify({ path: '/filtered', down: false }) });
    const hook = await waitFor('the delivery after the outage', async () =>
      (await receivedOn('/filtered')).find(ofAssignment(assignmentId)),
    );
    expect(eventOf(hook).type).toBe('com.cxone-assignments.assignment.applied');
    expect(verifies(endpoint.secret as string, hook)).toBe(true);
    const deliveries = (await (
      await api(`/webhooks/endpoints/${endpoint.id}/deliveries?limit=10`)
    ).json()) as {
      items: { eventId: string; outcome: string; attempt: number }[];
    };
    const attempts = deliveries.items.filter((item) => item.eventId === eventOf(hook).id);
    expect(attempts[0]).toMatchObject({ outcome: 'delivered' });
    expect(attempts[0]?.attempt).toBeGreaterThan(1);
    expect(attempts.slice(1).every((item) => item.outcome === 'pending')).toBe(true);
  });

  it('replays a time window with the original ids', async () => {
    const before = await receivedOn('/filtered');
    const ids = [...new Set(before.map((hook) => eventOf(hook).id))];
    const since = new Date(Date.now() - 10 * 60_000).toISOString();
    const response = await post(`/webhooks/endpoints/${endpoint.id}/replay`, { since });
    expect(response.status).toBe(202);
    const { events } = (await response.json()) as { events: number };
    expect(events).toBe(ids.length);
    const after = await waitFor('the replayed webhooks', async () => {
      const hooks = await receivedOn('/filtered');
      return hooks.length >= before.length + events ? hooks : undefined;
    });
    const replayed = after.slice(before.length);
    expect(replayed.map((hook) => hook.headers['webhook-id']).sort()).toEqual([...ids].sort());
    expect(replayed.every((hook) => hook.signatureValid)).toBe(true);
  });

  it('signs with both secrets for the grace period after a rotation', async () => {
    const oldSecret = endpoint.secret as string;
    const response = await post(`/webhooks/endpoints/${endpoint.id}/rotate-secret`, {
      gracePeriodSeconds: 3600,
    });
    expect(response.status).toBe(200);
    const { secret, previousSecretExpiresAt } = (await response.json()) as {
      secret: string;
      previousSecretExpiresAt: string;
    };
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(oldSecret);
    expect((await getEndpoint(endpoint.id)).previousSecretExpiresAt).toBe(previousSecretExpiresAt);
    await receiver('/secrets', { method: 'PUT', body: JSON.stringify({ path: '/filtered', secret }) });

    const assignmentId = await submit();
    const hook = await waitFor('a webhook after the rotation', async () =>
      (await receivedOn('/filtered')).find(ofAssignment(assignmentId)),
    );
    expect(hook.headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(verifies(secret, hook)).toBe(true);
    expect(verifies(oldSecret, hook)).toBe(true);
  });

  it('disables an endpoint that answers 410 and tells the other endpoints', async () => {
    const gone = await createEndpoint('/gone');
    await receiver('/faults', {
      method: 'PUT',
      body: JSON.stringify({ path: '/gone', failRate: 1, status: 410 }),
    });
    await submit();
    const disabled = await waitFor('the 410 endpoint disabled', async () => {
      const current = await getEndpoint(gone.id);
      return current.enabled ? undefined : current;
    });
    expect(disabled.disabledReason).toBe('gone');
    const notice = await waitFor('endpoint.disabled at the static endpoint', async () =>
      (await receivedOn(STATIC_PATH)).find((hook) => eventOf(hook).data.endpointId === gone.id),
    );
    expect(eventOf(notice)).toMatchObject({
      type: 'com.cxone-assignments.endpoint.disabled',
      data: { endpointId: gone.id, reason: 'gone', httpStatus: 410 },
    });
    expect(notice.body).not.toContain('/gone');
    // Only one attempt reached it per event: none after the 410.
    await sleep(1_500);
    const attempts = await receivedOn('/gone');
    expect(new Set(attempts.map((hook) => hook.headers['webhook-id'])).size).toBe(attempts.length);
  });

  it('ends an endpoint down for the whole schedule disabled, its deliveries in the DLQ, others on time', async () => {
    const down = await createEndpoint('/down');
    const healthy = await createEndpoint('/healthy');
    await receiver('/faults', { method: 'PUT', body: JSON.stringify({ path: '/down', down: true }) });
    const submittedAt = Date.now();
    const assignmentId = await submit();
    const expected = (await staticWebhooksOf(assignmentId)).map((hook) => eventOf(hook).id);

    const onTime = await waitFor('every event at the healthy endpoint', async () => {
      const hooks = (await receivedOn('/healthy')).filter(ofAssignment(assignmentId));
      return hooks.length >= expected.length ? hooks : undefined;
    });
    expect(onTime.map((hook) => hook.headers['webhook-id']).sort()).toEqual([...expected].sort());
    // Every event there within seconds of the submission, at the first attempt, while the other one was failing.
    for (const hook of onTime) expect(Date.parse(hook.receivedAt) - submittedAt).toBeLessThan(10_000);
    const healthyAttempts = (await (await api(`/webhooks/endpoints/${healthy.id}/deliveries`)).json()) as {
      items: { eventId: string; attempt: number; outcome: string }[];
    };
    const firstTries = healthyAttempts.items.filter((item) => expected.includes(item.eventId));
    expect(firstTries.map((item) => [item.attempt, item.outcome])).toEqual(
      expected.map(() => [1, 'delivered']),
    );

    const disabled = await waitFor(
      'the failing endpoint disabled',
      async () => {
        const current = await getEndpoint(down.id);
        return current.enabled ? undefined : current;
      },
      30_000,
    );
    expect(disabled.disabledReason).toBe('failing');
    const dead = await waitFor('its deliveries in the DLQ', async () => {
      const bodies = (await dlqBodies())
        .map((body) => JSON.parse(body) as { endpointId?: string; event: EventBody })
        .filter((message) => message.endpointId === down.id);
      return bodies.length >= expected.length ? bodies : undefined;
    });
    expect(dead.map((message) => message.event.id).sort()).toEqual([...expected].sort());
    const notice = await waitFor('endpoint.disabled at the healthy endpoint', async () =>
      (await receivedOn('/healthy')).find((hook) => eventOf(hook).data.endpointId === down.id),
    );
    expect(eventOf(notice).data).toMatchObject({ reason: 'failing' });
    expect(await receivedOn('/down')).toEqual([]);
  });

  it('patches and deletes an endpoint', async () => {
    const patched = await api(`/webhooks/endpoints/${endpoint.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ eventTypes: ['*'], description: 'everything' }),
    });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ eventTypes: ['*'], description: 'everything' });
    expect((await api(`/webhooks/endpoints/${endpoint.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await api(`/webhooks/endpoints/${endpoint.id}`)).status).toBe(404);
    expect((await api(`/webhooks/endpoints/${endpoint.id}`, { method: 'DELETE' })).status).toBe(404);
  });
});
