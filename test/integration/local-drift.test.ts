// GET /campaigns/{campaignId}/drift through the whole local stack, over HTTP only: a supervisor's hand edit made with
// a sandbox token straight through the Admin API (an agent removed, a proficiency changed, an agent added) is
// reported with the right difference; an in-sync campaign is reported in sync; the GET writes nothing (CXone sees
// only reads) and sends nothing to WFM.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIRST_AGENT_ID } from '../../infra/local/cxone-sandbox/server.ts';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.ts';
import { outsideLastMinutesOfUtcDay } from '../support/all-day-window.ts';
import { callApi } from '../support/local-api.ts';
import { ADMIN, adminToken, call } from './cxone-sandbox-http.ts';

const MANAGED = { campaignId: 'drift-managed', skillId: 4501235 };
const EXCLUSIVE = { campaignId: 'drift-exclusive', skillId: 4501236 };
const FINAL = ['applied', 'partially_applied', 'rejected', 'failed', 'superseded'];
const PLANNED = { isActive: true, proficiency: 3 };

let stack: LocalStack;
let policiesDir: string;

const userIdOf = (n: number) => `agent-uuid-${String(n).padStart(3, '0')}`;
const agentIdOf = (n: number) => FIRST_AGENT_ID + n - 1;

function policy(campaignId: string, cxoneSkillId: number, membership: 'managed' | 'exclusive') {
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
    membership,
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

async function apply(campaignId: string, body: unknown): Promise<string> {
  const response = await callApi(stack, `/campaigns/${campaignId}/agents`, {
    method: 'PUT',
    body: JSON.stringify(body),
  });
  const accepted = (await response.json()) as { assignmentId: string };
  expect(response.status, JSON.stringify(accepted)).toBe(202);
  const deadline = Date.now() + 45_000;
  for (;;) {
    const assignment = (await (await callApi(stack, `/assignments/${accepted.assignmentId}`)).json()) as {
      status: string;
    };
    if (FINAL.includes(assignment.status)) {
      expect(assignment.status).toBe('applied');
      return accepted.assignmentId;
    }
    if (Date.now() > deadline) throw new Error(`assignment still ${assignment.status}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A supervisor's change in CXone: any token the sandbox issued may call the Admin API directly. */
async function handEdit(
  method: 'POST' | 'PUT' | 'DELETE',
  skillId: number,
  agents: Array<{ agentId: number; isActive?: boolean; proficiency?: number }>,
) {
  const token = (await adminToken(stack.cxoneUrl)).access_token;
  const reply = await call(stack.cxoneUrl, `${ADMIN}/skills/${skillId}/agents`, {
    method,
    token,
    json: { agents },
  });
  expect(reply.status).toBe(200);
}

async function sandboxRequests() {
  return (await call<Array<{ method: string; path: string }>>(stack.cxoneUrl, '/sandbox/requests')).body;
}

/** GET …/drift, with every CXone request it made (none may write) and the campaign's state before and after. */
async function drift(campaignId: string) {
  const agentsBefore = await (await callApi(stack, `/campaigns/${campaignId}/agents`)).json();
  const logBefore = (await sandboxRequests()).length;
  const response = await callApi(stack, `/campaigns/${campaignId}/drift`);
  const body = (await response.json()) as Record<string, unknown>;
  const cxoneRequests = (await sandboxRequests())
    .slice(logBefore)
    .filter((entry) => entry.path.startsWith(ADMIN));
  expect(cxoneRequests.length, 'the drift check read the skill').toBeGreaterThan(0);
  expect(cxoneRequests.filter((entry) => entry.method !== 'GET')).toEqual([]);
  expect(await (await callApi(stack, `/campaigns/${campaignId}/agents`)).json()).toEqual(agentsBefore);
  return { status: response.status, body };
}

async function receivedTypes(): Promise<string[]> {
  const received = (await (await fetch(`${stack.wfmUrl}/received`)).json()) as Array<{ body: string }>;
  return received.map((hook) => (JSON.parse(hook.body) as { type: string }).type);
}

beforeAll(async () => {
  policiesDir = await mkdtemp(join(tmpdir(), 'local-drift-test-'));
  const extraPolicies = join(policiesDir, 'extra-policies.json');
  await writeFile(
    extraPolicies,
    JSON.stringify([
      policy(MANAGED.campaignId, MANAGED.skillId, 'managed'),
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

describe('GET /campaigns/{campaignId}/drift on the local stack', () => {
  it('says in sync, with no differences, for a campaign CXone holds as planned', async () => {
    await apply(MANAGED.campaignId, desired(1, 2, 3));
    const { status, body } = await drift(MANAGED.campaignId);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      campaignId: MANAGED.campaignId,
      inSync: true,
      differences: [],
      hiddenAgents: 0,
    });
    expect(Date.parse(String(body.checkedAt))).toBeGreaterThan(Date.now() - 60_000);
  }, 90_000);

  it('managed: reports an agent removed and a proficiency changed by hand, not a foreign agent added', async () => {
    await handEdit('DELETE', MANAGED.skillId, [{ agentId: agentIdOf(2) }]);
    await handEdit('PUT', MANAGED.skillId, [{ agentId: agentIdOf(3), isActive: true, proficiency: 12 }]);
    await handEdit('POST', MANAGED.skillId, [{ agentId: agentIdOf(50), isActive: true, proficiency: 1 }]);
    const { status, body } = await drift(MANAGED.campaignId);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      inSync: false,
      differences: [
        { userId: userIdOf(2), kind: 'missing', expected: PLANNED },
        {
          userId: userIdOf(3),
          agentId: agentIdOf(3),
          kind: 'changed',
          expected: PLANNED,
          actual: { isActive: true, proficiency: 12 },
        },
      ],
    });
  }, 60_000);

  it('exclusive: reports an unknown agent added by hand as unexpected', async () => {
    await apply(EXCLUSIVE.campaignId, desired(4));
    expect((await drift(EXCLUSIVE.campaignId)).body).toMatchObject({ inSync: true, differences: [] });
    await handEdit('POST', EXCLUSIVE.skillId, [{ agentId: agentIdOf(60), isActive: false, proficiency: 7 }]);
    const { body } = await drift(EXCLUSIVE.campaignId);
    expect(body).toMatchObject({
      inSync: false,
      differences: [
        {
          userId: userIdOf(60),
          agentId: agentIdOf(60),
          kind: 'unexpected',
          actual: { isActive: false, proficiency: 7 },
        },
      ],
    });
  }, 90_000);

  it('sends nothing to WFM and answers 404 for an unknown campaign', async () => {
    expect(await receivedTypes()).not.toContain('com.cxone-assignments.campaign.drift_detected');
    const response = await callApi(stack, '/campaigns/no-such-campaign/drift');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  }, 30_000);
});
