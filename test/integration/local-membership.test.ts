// Membership and CXone's real answers through the whole local stack (API → moto → dispatcher → CXone sandbox → WFM
// receiver), over HTTP only: a supervisor's hand edit made with a sandbox token straight through the Admin API, then a
// submission, under managed and exclusive membership; a managed agent found at proficiency 12; an Admin-API 409 that
// leaves every agent as it was and ends `rejected`; members hidden from the access key.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FIRST_AGENT_ID } from '../../infra/local/cxone-sandbox/server.ts';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.ts';
import { outsideLastMinutesOfUtcDay } from '../support/all-day-window.ts';
import { callApi } from '../support/local-api.ts';
import { ADMIN, adminToken, call, type ResultSetBody, setFaults } from './cxone-sandbox-http.ts';

const MANAGED = { campaignId: 'membership-managed', skillId: 4501235 };
const EXCLUSIVE = { campaignId: 'membership-exclusive', skillId: 4501236 };
const FINAL = ['applied', 'partially_applied', 'rejected', 'failed', 'superseded'];

let stack: LocalStack;
let policiesDir: string;

const userIdOf = (n: number) => `agent-uuid-${String(n).padStart(3, '0')}`;
const agentIdOf = (n: number) => FIRST_AGENT_ID + n - 1;

function policy(campaignId: string, cxoneSkillId: number, membership?: 'managed' | 'exclusive') {
  return {
    campaignId,
    cxoneSkillId,
    timezone: 'UTC',
    // All day, so that whether an agent is active does not depend on when the test runs.
    callingHours: { start: '00:00', end: '23:59' },
    allowedAgentTimezones: ['UTC'],
    minWindowOverlapMinutes: 60,
    maxAgents: 10,
    maxConcurrentCallsPerAgent: 2,
    requiredSkills: ['preview-qualified'],
    callRateTarget: 8.5,
    capacityThreshold: 0.3,
    ...(membership ? { membership } : {}),
  };
}

/** Agents available all day: active, proficiency 3 (call rate 4.2 of a target of 8.5). */
function desired(...agents: number[]) {
  return {
    agents: agents.map((n) => ({
      userId: userIdOf(n),
      skills: ['preview-qualified'],
      availabilityWindow: { start: '00:00', end: '23:59', timezone: 'UTC' },
      maxConcurrentCalls: 1,
      recentCallRate: 4.2,
    })),
  };
}
const PLANNED = { isActive: true, proficiency: 3 };

interface Assignment {
  status: string;
  error?: string;
  result?: {
    added: string[];
    updated: string[];
    removed: string[];
    hiddenAgents?: number;
    failedAgents: unknown[];
  };
}

async function apply(campaignId: string, body: unknown): Promise<Assignment & { assignmentId: string }> {
  const response = await callApi(stack, `/campaigns/${campaignId}/agents`, {
    method: 'PUT',
    body: JSON.stringify(body),
  });
  const accepted = (await response.json()) as { assignmentId: string };
  expect(response.status, JSON.stringify(accepted)).toBe(202);
  const deadline = Date.now() + 45_000;
  for (;;) {
    const assignment = (await (
      await callApi(stack, `/assignments/${accepted.assignmentId}`)
    ).json()) as Assignment;
    if (FINAL.includes(assignment.status)) return { ...assignment, assignmentId: accepted.assignmentId };
    if (Date.now() > deadline) throw new Error(`assignment still ${assignment.status}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function members(skillId: number) {
  const state = (
    await call<{ skills: Record<string, Array<{ userId: string; isActive: boolean; proficiency: number }>> }>(
      stack.cxoneUrl,
      '/sandbox/state',
    )
  ).body;
  return (state.skills[String(skillId)] ?? [])
    .map(({ userId, isActive, proficiency }) => ({ userId, isActive, proficiency }))
    .sort((a, b) => a.userId.localeCompare(b.userId));
}

/** A supervisor's change in CXone: any token the sandbox issued may call the Admin API directly. */
async function handEdit(
  method: 'POST' | 'PUT',
  skillId: number,
  agents: Array<{ agentId: number; isActive?: boolean; proficiency?: number }>,
) {
  const token = (await adminToken(stack.cxoneUrl)).access_token;
  const reply = await call<ResultSetBody>(stack.cxoneUrl, `${ADMIN}/skills/${skillId}/agents`, {
    method,
    token,
    json: { agents },
  });
  expect(reply.status).toBe(200);
  expect(reply.body.resultSet.errorCount).toBe(0);
}

async function writesOf(assignmentId: string) {
  const log = (
    await call<Array<{ method: string; path: string; status: number; correlationId: string | null }>>(
      stack.cxoneUrl,
      '/sandbox/requests',
    )
  ).body;
  return log.filter(
    (entry) => entry.correlationId === assignmentId && entry.path.startsWith(ADMIN) && entry.method !== 'GET',
  );
}

async function campaignAgents(campaignId: string) {
  const response = await callApi(stack, `/campaigns/${campaignId}/agents`);
  expect(response.status).toBe(200);
  return (await response.json()) as { membership: string; foreignAgents: unknown[] };
}

async function webhookData(type: string, assignmentId: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const received = (await (await fetch(`${stack.wfmUrl}/received`)).json()) as Array<{ body: string }>;
    const events = received.map(
      (hook) => JSON.parse(hook.body) as { type: string; data: Record<string, unknown> },
    );
    const match = events.find((event) => event.type === type && event.data.assignmentId === assignmentId);
    if (match) return match.data;
    if (Date.now() > deadline) throw new Error(`no ${type} webhook for ${assignmentId}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  policiesDir = await mkdtemp(join(tmpdir(), 'local-membership-test-'));
  const extraPolicies = join(policiesDir, 'extra-policies.json');
  await writeFile(
    extraPolicies,
    JSON.stringify([
      policy(MANAGED.campaignId, MANAGED.skillId),
      policy(EXCLUSIVE.campaignId, EXCLUSIVE.skillId, 'exclusive'),
    ]),
  );
  // The agents' windows are '00:00'–'23:59' UTC: start and finish inside one UTC day.
  await outsideLastMinutesOfUtcDay(5);
  stack = await startLocalStack({
    port: 0,
    cxoneSandboxPort: 0,
    wfmReceiverPort: 0,
    motoPort: 0,
    extraPoliciesFile: extraPolicies,
    rebalanceIntervalSeconds: 3600,
    env: { POWERTOOLS_LOG_LEVEL: 'ERROR' },
  });
}, 240_000);

afterAll(async () => {
  await stack?.stop();
  if (policiesDir) await rm(policiesDir, { recursive: true, force: true });
});

beforeEach(async () => {
  await call(stack.cxoneUrl, '/sandbox/faults', { method: 'DELETE' });
});

describe('membership through the local stack', () => {
  it('managed (the default): a member added by hand at proficiency 12 is left as it is and listed as foreign', async () => {
    await handEdit('POST', MANAGED.skillId, [{ agentId: agentIdOf(50), isActive: true, proficiency: 12 }]);

    const assignment = await apply(MANAGED.campaignId, desired(1, 2));

    expect(assignment).toMatchObject({ status: 'applied', result: { removed: [], failedAgents: [] } });
    expect(await members(MANAGED.skillId)).toEqual([
      { userId: userIdOf(1), ...PLANNED },
      { userId: userIdOf(2), ...PLANNED },
      { userId: userIdOf(50), isActive: true, proficiency: 12 },
    ]);
    expect(await campaignAgents(MANAGED.campaignId)).toMatchObject({
      membership: 'managed',
      foreignAgents: [{ userId: userIdOf(50), isActive: true, proficiency: 12 }],
    });
  }, 60_000);

  it('managed: an agent the next desired state drops is removed, the foreign one still not touched', async () => {
    const assignment = await apply(MANAGED.campaignId, desired(1));
    expect(assignment).toMatchObject({ status: 'applied', result: { removed: [userIdOf(2)] } });
    expect((await members(MANAGED.skillId)).map((member) => member.userId)).toEqual([
      userIdOf(1),
      userIdOf(50),
    ]);
  }, 60_000);

  it('managed: its own agent found at proficiency 12 (a hand edit) is updated back to the plan', async () => {
    await handEdit('PUT', MANAGED.skillId, [{ agentId: agentIdOf(1), proficiency: 12 }]);
    const assignment = await apply(MANAGED.campaignId, { ...desired(1), callRateTarget: 8.5 });
    expect(assignment).toMatchObject({ status: 'applied', result: { updated: [userIdOf(1)] } });
    expect(await members(MANAGED.skillId)).toContainEqual({ userId: userIdOf(1), ...PLANNED });
    expect(await members(MANAGED.skillId)).toContainEqual({
      userId: userIdOf(50),
      isActive: true,
      proficiency: 12,
    });
  }, 60_000);

  it('exclusive: members added by hand are removed, each one reported to WFM', async () => {
    await handEdit('POST', EXCLUSIVE.skillId, [
      { agentId: agentIdOf(51), isActive: true, proficiency: 12 },
      { agentId: agentIdOf(52), isActive: false, proficiency: 2 },
    ]);

    const assignment = await apply(EXCLUSIVE.campaignId, desired(1));

    expect(assignment).toMatchObject({
      status: 'applied',
      result: { added: [userIdOf(1)], removed: [userIdOf(51), userIdOf(52)] },
    });
    expect(await members(EXCLUSIVE.skillId)).toEqual([{ userId: userIdOf(1), ...PLANNED }]);
    expect(await campaignAgents(EXCLUSIVE.campaignId)).toMatchObject({
      membership: 'exclusive',
      foreignAgents: [],
    });
    await webhookData('com.cxone-assignments.agent.removed', assignment.assignmentId);
  }, 60_000);
});

describe('CXone’s real answers through the local stack', () => {
  it('an Admin-API 409 (Invalid Permissions) ends rejected with CXone’s reason and leaves every agent as it was', async () => {
    const before = await members(MANAGED.skillId);
    await setFaults(stack.cxoneUrl, { rate409: 1 });

    const assignment = await apply(MANAGED.campaignId, desired(3, 4));

    expect(assignment.status).toBe('rejected');
    expect(assignment.error).toContain('Invalid Permissions');
    expect(await members(MANAGED.skillId)).toEqual(before);
    const writes = await writesOf(assignment.assignmentId);
    expect(writes.map((entry) => entry.status)).toEqual([409]);
  }, 60_000);

  it('members hidden from the access key: exclusive ends partially_applied saying why, managed applies', async () => {
    await setFaults(stack.cxoneUrl, { hiddenAgents: 1 });

    const exclusive = await apply(EXCLUSIVE.campaignId, desired(1, 5));
    expect(exclusive.status).toBe('partially_applied');
    expect(exclusive.result).toMatchObject({ hiddenAgents: 1, failedAgents: [] });
    expect(exclusive.error).toMatch(/exclusive membership: 1 member\(s\) of skill 4501236 are hidden/);
    const data = await webhookData(
      'com.cxone-assignments.assignment.partially_applied',
      exclusive.assignmentId,
    );
    expect(data).toMatchObject({ hiddenAgents: 1 });

    const managed = await apply(MANAGED.campaignId, desired(1, 6));
    expect(managed).toMatchObject({ status: 'applied', result: { hiddenAgents: 1, failedAgents: [] } });
    expect((await members(MANAGED.skillId)).map((member) => member.userId)).toEqual(
      [userIdOf(1), userIdOf(50), userIdOf(6)].sort(),
    );
  }, 90_000);
});
