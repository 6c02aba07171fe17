// Drift through the whole local stack on real minute ticks, over HTTP only: a supervisor's hand edits made straight
// through the sandbox's Admin API (an agent removed, a proficiency changed, an unknown agent added, under `exclusive`
// membership) are reported by a signed `campaign.drift_detected` event and repaired within driftCheckMinutes + 1
// minute; with `onDrift: report` the same edits are reported and CXone is left as the supervisor made it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIRST_AGENT_ID } from '../../infra/local/cxone-sandbox/server.ts';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.ts';
import { callApi } from '../support/local-api.ts';
import { ADMIN, adminToken, call, type ResultSetBody } from './cxone-sandbox-http.ts';

const REPAIR = { campaignId: 'drift-repair', skillId: 4501237 };
const REPORT = { campaignId: 'drift-report', skillId: 4501238 };
const FINAL = ['applied', 'partially_applied', 'rejected', 'failed', 'superseded'];
const MINUTE = 60_000;
const DRIFT_CHECK_MINUTES = 1;
const DRIFT_TYPE = 'com.cxone-assignments.campaign.drift_detected';

let stack: LocalStack;
let policiesDir: string;

const userIdOf = (n: number) => `agent-uuid-${String(n).padStart(3, '0')}`;
const agentIdOf = (n: number) => FIRST_AGENT_ID + n - 1;
const utcHhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);
/** Three hours either side of now: no window opens or closes while the test runs. */
const aroundNow = () => ({
  start: utcHhmm(Date.now() - 180 * MINUTE),
  end: utcHhmm(Date.now() + 180 * MINUTE),
});

function policy(campaignId: string, cxoneSkillId: number, onDrift: 'repair' | 'report') {
  return {
    campaignId,
    cxoneSkillId,
    timezone: 'UTC',
    callingHours: aroundNow(),
    allowedAgentTimezones: ['UTC'],
    minWindowOverlapMinutes: 60,
    maxAgents: 10,
    maxConcurrentCallsPerAgent: 2,
    requiredSkills: ['preview-qualified'],
    callRateTarget: 8.5,
    capacityThreshold: 0.3,
    membership: 'exclusive',
    driftCheckMinutes: DRIFT_CHECK_MINUTES,
    onDrift,
  };
}

/** Agents active now at proficiency 3 (call rate 4.2 of a target of 8.5). */
function desired(...agents: number[]) {
  return {
    agents: agents.map((n) => ({
      userId: userIdOf(n),
      skills: ['preview-qualified'],
      availabilityWindow: { ...aroundNow(), timezone: 'UTC' },
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
  const status = await until('the submission to be final', 45_000, async () => {
    const view = (await (await callApi(stack, `/assignments/${accepted.assignmentId}`)).json()) as {
      status: string;
    };
    return FINAL.includes(view.status) ? view.status : undefined;
  });
  expect(status).toBe('applied');
  return accepted.assignmentId;
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
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

async function handEdit(
  method: 'POST' | 'PUT' | 'DELETE',
  skillId: number,
  agents: Array<Record<string, unknown>>,
) {
  const token = (await adminToken(stack.cxoneUrl)).access_token;
  const reply = await call<ResultSetBody>(stack.cxoneUrl, `${ADMIN}/skills/${skillId}/agents`, {
    method,
    token,
    json: { agents },
  });
  expect(reply.status).toBe(200);
}

/** The three hand edits of a supervisor on a skill holding agents 40..42 (or 50..52). */
async function superviseBadly(skillId: number, first: number) {
  await handEdit('DELETE', skillId, [{ agentId: agentIdOf(first) }]);
  await handEdit('PUT', skillId, [{ agentId: agentIdOf(first + 1), proficiency: 12 }]);
  await handEdit('POST', skillId, [{ agentId: agentIdOf(first + 20), isActive: true, proficiency: 5 }]);
}

interface DriftEvent {
  type: string;
  data: {
    campaignId: string;
    repairQueued: boolean;
    assignmentId?: string;
    differences: Array<{ userId: string; kind: string; expected?: unknown; actual?: unknown }>;
  };
}

async function driftEvents(campaignId: string) {
  const received = (await (await fetch(`${stack.wfmUrl}/received`)).json()) as Array<{
    body: string;
    signatureValid: boolean;
  }>;
  return received
    .map((hook) => ({ event: JSON.parse(hook.body) as DriftEvent, signatureValid: hook.signatureValid }))
    .filter(({ event }) => event.type === DRIFT_TYPE && event.data.campaignId === campaignId);
}

const PLANNED = { isActive: true, proficiency: 3 };
const differencesOf = (event: DriftEvent) =>
  event.data.differences
    .map((d) => ({ userId: d.userId, kind: d.kind }))
    .sort((a, b) => a.userId.localeCompare(b.userId));

beforeAll(async () => {
  policiesDir = await mkdtemp(join(tmpdir(), 'local-scheduled-drift-test-'));
  const extraPolicies = join(policiesDir, 'extra-policies.json');
  await writeFile(
    extraPolicies,
    JSON.stringify([
      policy(REPAIR.campaignId, REPAIR.skillId, 'repair'),
      policy(REPORT.campaignId, REPORT.skillId, 'report'),
    ]),
  );
  stack = await startLocalStack({
    port: 0,
    cxoneSandboxPort: 0,
    wfmReceiverPort: 0,
    motoPort: 0,
    extraPoliciesFile: extraPolicies,
    env: { POWERTOOLS_LOG_LEVEL: 'ERROR', CXONE_RATE_LIMIT_PER_SECOND: '100' },
  });
}, 240_000);

afterAll(async () => {
  await stack?.stop();
  if (policiesDir) await rm(policiesDir, { recursive: true, force: true });
});

describe('drift on the local stack (driftCheckMinutes 1, exclusive membership)', () => {
  it('reports hand edits with a signed drift_detected event and repairs them within driftCheckMinutes + 1 minute, and report mode only reports', async () => {
    await apply(REPAIR.campaignId, desired(40, 41, 42));
    await apply(REPORT.campaignId, desired(50, 51, 52));
    const editedAt = Date.now();
    await superviseBadly(REPAIR.skillId, 40);
    await superviseBadly(REPORT.skillId, 50);
    const handEdited = await members(REPORT.skillId);

    const bound = (DRIFT_CHECK_MINUTES + 1) * MINUTE;
    const repaired = await until('the repair in CXone', bound, async () => {
      const now = await members(REPAIR.skillId);
      return now.length === 3 && now.every((m) => m.isActive && m.proficiency === 3) ? now : undefined;
    });
    expect(Date.now() - editedAt).toBeLessThanOrEqual(bound);
    expect(repaired).toEqual([40, 41, 42].map((n) => ({ userId: userIdOf(n), ...PLANNED })));

    const [repairEvent] = await until('the drift_detected event', 20_000, async () => {
      const found = await driftEvents(REPAIR.campaignId);
      return found.length > 0 ? found : undefined;
    });
    expect(repairEvent?.signatureValid).toBe(true);
    expect(repairEvent?.event.data.repairQueued).toBe(true);
    expect(differencesOf(repairEvent?.event as DriftEvent)).toEqual([
      { userId: userIdOf(40), kind: 'missing' },
      { userId: userIdOf(41), kind: 'changed' },
      { userId: userIdOf(60), kind: 'unexpected' },
    ]);

    const [reportEvent] = await until('the report-mode drift_detected event', bound, async () => {
      const found = await driftEvents(REPORT.campaignId);
      return found.length > 0 ? found : undefined;
    });
    expect(reportEvent?.signatureValid).toBe(true);
    expect(reportEvent?.event.data.repairQueued).toBe(false);
    expect(differencesOf(reportEvent?.event as DriftEvent)).toEqual([
      { userId: userIdOf(50), kind: 'missing' },
      { userId: userIdOf(51), kind: 'changed' },
      { userId: userIdOf(70), kind: 'unexpected' },
    ]);
    // Report mode writes nothing: CXone is as the supervisor left it.
    expect(await members(REPORT.skillId)).toEqual(handEdited);
  }, 300_000);
});
