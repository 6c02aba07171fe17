// Campaign policies as data on the local stack, over HTTP only (real handlers, moto, the CXone sandbox, the WFM
// receiver): the seed imported at start; a policy change with the right ETag re-planning the campaign at once
// (maxAgents 50 → 1 leaves one agent active) with no restart; a stale ETag refused, changing nothing; a new campaign
// on a free outbound Personal Connection skill accepting and applying a submission; the inbound skill refused; a
// deleted campaign no longer managed.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.ts';

const SEEDED = '12345678-1234-1234-1234-123456789012';
/** Open all the time the test runs: calling hours and agent windows around now, in UTC. */
const CAMPAIGN = 'policy-test-campaign';
const CAMPAIGN_SKILL = 4502001;
/** Seeded by the CXone sandbox, unbound: outbound Personal Connection skills 4501235…4501239, inbound 4509999. */
const FREE_SKILL = 4501235;
const INBOUND_SKILL = 4509999;
const FINAL = ['applied', 'partially_applied', 'rejected', 'failed', 'superseded'];

let stack: LocalStack;
let dir: string;

const hhmm = (minutes: number) => {
  const m = ((minutes % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
};
const utcMinutesNow = () => {
  const now = new Date();
  return now.getUTCHours() * 60 + now.getUTCMinutes();
};
const AROUND_NOW = { start: hhmm(utcMinutesNow() - 60), end: hhmm(utcMinutesNow() + 180) };

const policy = (campaignId: string, cxoneSkillId: number) => ({
  campaignId,
  cxoneSkillId,
  timezone: 'UTC',
  callingHours: AROUND_NOW,
  allowedAgentTimezones: ['UTC'],
  minWindowOverlapMinutes: 60,
  maxAgents: 50,
  maxConcurrentCallsPerAgent: 2,
  requiredSkills: ['preview-qualified'],
  callRateTarget: 8.5,
  capacityThreshold: 0.3,
});

const desired = (count: number) => ({
  agents: Array.from({ length: count }, (_, i) => ({
    userId: `agent-uuid-${String(i + 1).padStart(3, '0')}`,
    skills: ['preview-qualified'],
    availabilityWindow: { ...AROUND_NOW, timezone: 'UTC' },
    maxConcurrentCalls: 1,
    recentCallRate: i, // distinct capacity scores: agent-uuid-001 ranks first
  })),
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'local-policies-'));
  const extra = join(dir, 'extra-policies.json');
  await writeFile(extra, JSON.stringify([policy(CAMPAIGN, CAMPAIGN_SKILL)]));
  stack = await startLocalStack({
    port: 0,
    cxoneSandboxPort: 0,
    wfmReceiverPort: 0,
    motoPort: 0,
    extraPoliciesFile: extra,
    rebalanceIntervalSeconds: 3600,
    env: { POWERTOOLS_LOG_LEVEL: 'ERROR' },
  });
}, 240_000);

afterAll(async () => {
  await stack?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: test convenience for reading JSON bodies
  body: any;
}

async function call(
  token: string,
  method: string,
  path: string,
  body?: unknown,
  headers = {},
): Promise<Answer> {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}
const admin = (method: string, path: string, body?: unknown, headers = {}) =>
  call(stack.adminToken, method, path, body, headers);
const submitter = (method: string, path: string, body?: unknown) => call(stack.apiToken, method, path, body);

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`${what} not reached within ${ms} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function applied(assignmentId: string) {
  const answer = await waitFor(
    () => submitter('GET', `/assignments/${assignmentId}`),
    (a) => FINAL.includes(a.body?.status),
    `final status of ${assignmentId}`,
  );
  expect(answer.body.status, JSON.stringify(answer.body)).toBe('applied');
  return answer.body;
}

async function skillMembers(skillId: number): Promise<{ userId: string; isActive: boolean }[]> {
  const state = (await (await fetch(`${stack.cxoneUrl}/sandbox/state`)).json()) as {
    skills: Record<string, { userId: string; isActive: boolean }[]>;
  };
  return state.skills[String(skillId)] ?? [];
}

interface ReceivedWebhook {
  body: string;
  signatureValid: boolean;
}

async function policyChangedEvents(campaignId: string) {
  const received = (await (await fetch(`${stack.wfmUrl}/received`)).json()) as ReceivedWebhook[];
  return received
    .map((hook) => ({ ...JSON.parse(hook.body), signatureValid: hook.signatureValid }))
    .filter(
      (event) =>
        event.type === 'com.cxone-assignments.campaign.policy_changed' && event.subject === campaignId,
    );
}

describe('campaign policies on the local stack', () => {
  it('starts with the seed imported: the default and the extra campaigns at version 1', async () => {
    const list = await admin('GET', '/campaigns');
    expect(list.status).toBe(200);
    expect(
      list.body.items.map((p: { campaignId: string; version: number }) => [p.campaignId, p.version]),
    ).toEqual([
      [SEEDED, 1],
      [CAMPAIGN, 1],
    ]);
    const seeded = await admin('GET', `/campaigns/${SEEDED}`);
    expect(seeded.headers.get('etag')).toBe('"1"');
    expect(seeded.body).toMatchObject({ cxoneSkillId: 4501234, maxAgents: 50 });
    expect((await submitter('GET', '/campaigns')).status).toBe(403);
  });

  it('re-plans at once on a policy change with the right ETag: maxAgents 50 → 1 leaves one agent active', async () => {
    const submitted = await submitter('PUT', `/campaigns/${CAMPAIGN}/agents`, desired(3));
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
    await applied(submitted.body.assignmentId);
    expect((await skillMembers(CAMPAIGN_SKILL)).filter((m) => m.isActive)).toHaveLength(3);

    const current = await admin('GET', `/campaigns/${CAMPAIGN}`);
    const etag = current.headers.get('etag');
    expect(etag).toBe('"1"');
    const change = { ...policy(CAMPAIGN, CAMPAIGN_SKILL), maxAgents: 1 };
    // The desired state of three agents breaks a one-agent policy: refused, listing it, unless forced.
    const refused = await admin('PUT', `/campaigns/${CAMPAIGN}`, change, { 'if-match': etag });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([
      expect.objectContaining({ path: 'desired.agents', code: 'too_many_agents' }),
    ]);
    const replaced = await admin('PUT', `/campaigns/${CAMPAIGN}?force=true`, change, { 'if-match': etag });
    expect(replaced.status, JSON.stringify(replaced.body)).toBe(200);
    expect(replaced.headers.get('etag')).toBe('"2"');

    const [event] = await waitFor(
      () => policyChangedEvents(CAMPAIGN),
      (events) => events.some((e) => e.data.version === 2),
      'the policy_changed webhook',
    );
    expect(event.data).toMatchObject({
      previousVersion: 1,
      version: 2,
      changedFields: ['maxAgents'],
      status: 'queued',
    });
    expect(event.signatureValid).toBe(true);
    const replan = await applied(event.data.assignmentId);
    expect(replan.kind).toBe('policy_change');
    const members = await skillMembers(CAMPAIGN_SKILL);
    expect(members).toHaveLength(3);
    expect(members.filter((m) => m.isActive).map((m) => m.userId)).toEqual(['agent-uuid-001']);
  }, 120_000);

  it('refuses a stale ETag with 412 and changes nothing', async () => {
    const stale = await admin(
      'PUT',
      `/campaigns/${CAMPAIGN}`,
      { ...policy(CAMPAIGN, CAMPAIGN_SKILL), maxAgents: 40 },
      {
        'if-match': '"1"',
      },
    );
    expect(stale.status).toBe(412);
    expect(stale.headers.get('content-type')).toBe('application/problem+json');
    const current = await admin('GET', `/campaigns/${CAMPAIGN}`);
    expect(current.headers.get('etag')).toBe('"2"');
    expect(current.body.maxAgents).toBe(1);
    const versions = await admin('GET', `/campaigns/${CAMPAIGN}/versions`);
    expect(versions.body.items.map((v: { version: number }) => v.version)).toEqual([2, 1]);
  });

  it('creates a campaign on a free Personal Connection skill that accepts and applies a submission', async () => {
    const created = await admin('PUT', '/campaigns/new-campaign', policy('new-campaign', FREE_SKILL), {
      'if-none-match': '*',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(created.headers.get('location')).toBe('/campaigns/new-campaign');
    const submitted = await submitter('PUT', '/campaigns/new-campaign/agents', desired(2));
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
    await applied(submitted.body.assignmentId);
    expect((await skillMembers(FREE_SKILL)).map((m) => m.userId).sort()).toEqual([
      'agent-uuid-001',
      'agent-uuid-002',
    ]);
    // One skill, one campaign.
    const taken = await admin('PUT', '/campaigns/another', policy('another', FREE_SKILL));
    expect(taken.status).toBe(409);
  }, 60_000);

  it('refuses the inbound skill at cxoneSkillId', async () => {
    const refused = await admin(
      'PUT',
      '/campaigns/inbound-campaign',
      policy('inbound-campaign', INBOUND_SKILL),
    );
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([
      expect.objectContaining({ path: 'cxoneSkillId', code: 'skill_not_outbound' }),
    ]);
    expect((await admin('GET', '/campaigns/inbound-campaign')).status).toBe(404);
  });

  it('stops managing a deleted campaign: CXone left as it is, submissions 404 once the caches have expired', async () => {
    const before = await skillMembers(CAMPAIGN_SKILL);
    expect((await admin('DELETE', `/campaigns/${CAMPAIGN}`)).status).toBe(428);
    const deleted = await admin('DELETE', `/campaigns/${CAMPAIGN}`, undefined, { 'if-match': '"2"' });
    expect(deleted.status).toBe(204);
    expect((await admin('GET', `/campaigns/${CAMPAIGN}`)).status).toBe(404);
    // The submit function may serve the policy from its cache for up to POLICY_CACHE_SECONDS (30 s).
    const started = Date.now();
    await waitFor(
      () => submitter('PUT', `/campaigns/${CAMPAIGN}/agents?dryRun=true`, desired(1)),
      (answer) => answer.status === 404,
      'a 404 for the deleted campaign',
      40_000,
    );
    expect(Date.now() - started).toBeLessThan(35_000);
    expect(await skillMembers(CAMPAIGN_SKILL)).toEqual(before);
    const events = await waitFor(
      () => policyChangedEvents(CAMPAIGN),
      (all) => all.some((e) => e.data.deleted === true),
      'the deletion’s policy_changed webhook',
    );
    expect(events.find((e) => e.data.deleted)?.data).toMatchObject({ previousVersion: 2, deleted: true });
  }, 90_000);
});
