// The optimistic write through the whole local stack (the real dispatcher handler, the scheduler's real drift checks
// on minute ticks, the CXone sandbox): after a clean drift check a dispatch writes from the campaign's last applied
// state without reading the skill first; a supervisor's hand edits made since are revealed by CXone's answers
// ("not assigned", "already assigned") and the same dispatch reads, re-diffs and ends with CXone as desired, never
// writing to the member the campaign does not own.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIRST_AGENT_ID } from '../../infra/local/cxone-sandbox/server.ts';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.ts';
import { callApi } from '../support/local-api.ts';
import { ADMIN, adminToken, call, type ResultSetBody } from './cxone-sandbox-http.ts';

const CAMPAIGN = { campaignId: 'optimistic-write', skillId: 4501239 };
const FINAL = ['applied', 'partially_applied', 'rejected', 'failed', 'superseded'];
const MINUTE = 60_000;

let stack: LocalStack;
let policiesDir: string;

const userIdOf = (n: number) => `agent-uuid-${String(n).padStart(3, '0')}`;
const agentIdOf = (n: number) => FIRST_AGENT_ID + n - 1;
const utcHhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);
const aroundNow = () => ({
  start: utcHhmm(Date.now() - 180 * MINUTE),
  end: utcHhmm(Date.now() + 180 * MINUTE),
});

const POLICY = {
  campaignId: CAMPAIGN.campaignId,
  cxoneSkillId: CAMPAIGN.skillId,
  timezone: 'UTC',
  callingHours: aroundNow(),
  allowedAgentTimezones: ['UTC'],
  minWindowOverlapMinutes: 60,
  maxAgents: 10,
  maxConcurrentCallsPerAgent: 2,
  requiredSkills: ['preview-qualified'],
  callRateTarget: 8.5,
  capacityThreshold: 0.3,
  membership: 'managed',
  driftCheckMinutes: 1,
  onDrift: 'report',
};

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

interface AssignmentView {
  status: string;
  result?: { cxoneReads: number; cxoneWrites: number; verified: boolean };
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

async function apply(body: unknown): Promise<{ assignmentId: string } & AssignmentView> {
  const response = await callApi(stack, `/campaigns/${CAMPAIGN.campaignId}/agents`, {
    method: 'PUT',
    body: JSON.stringify(body),
  });
  const { assignmentId } = (await response.json()) as { assignmentId: string };
  expect(response.status).toBe(202);
  const view = await until('the assignment to be final', 45_000, async () => {
    const current = (await (await callApi(stack, `/assignments/${assignmentId}`)).json()) as AssignmentView;
    return FINAL.includes(current.status) ? current : undefined;
  });
  return { assignmentId, ...view };
}

interface LoggedRequest {
  at: string;
  method: string;
  path: string;
  status: number;
  correlationId: string | null;
}

const requests = async () => (await call<LoggedRequest[]>(stack.cxoneUrl, '/sandbox/requests')).body;
const SKILL_AGENTS = `${ADMIN}/skills/${CAMPAIGN.skillId}/agents`;

/** Waits for a drift check (a skill read no assignment made) after `since`, and for its outcome to be recorded. */
async function cleanDriftCheckAfter(since: number, assignmentIds: string[]) {
  await until('a drift check of the skill', 3 * MINUTE, async () => {
    const reads = (await requests()).filter(
      (r) =>
        r.method === 'GET' &&
        r.path === SKILL_AGENTS &&
        Date.parse(r.at) > since &&
        !assignmentIds.includes(r.correlationId ?? ''),
    );
    return reads.length > 0 ? true : undefined;
  });
  // The check records its outcome right after its read.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
}

async function members() {
  const state = (
    await call<{ skills: Record<string, Array<{ userId: string; isActive: boolean; proficiency: number }>> }>(
      stack.cxoneUrl,
      '/sandbox/state',
    )
  ).body;
  return (state.skills[String(CAMPAIGN.skillId)] ?? [])
    .map(({ userId, isActive, proficiency }) => ({ userId, isActive, proficiency }))
    .sort((a, b) => a.userId.localeCompare(b.userId));
}

async function handEdit(method: 'POST' | 'DELETE', agents: Array<Record<string, unknown>>) {
  const token = (await adminToken(stack.cxoneUrl)).access_token;
  const reply = await call<ResultSetBody>(stack.cxoneUrl, SKILL_AGENTS, { method, token, json: { agents } });
  expect(reply.status).toBe(200);
}

beforeAll(async () => {
  policiesDir = await mkdtemp(join(tmpdir(), 'local-optimistic-test-'));
  const extraPolicies = join(policiesDir, 'extra-policies.json');
  await writeFile(extraPolicies, JSON.stringify([POLICY]));
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

describe('optimistic write on the local stack (managed membership, driftCheckMinutes 1)', () => {
  it('writes without a read after a clean drift check, and a hand edit since is revealed and repaired in the same dispatch', async () => {
    const PLANNED = { isActive: true, proficiency: 3 };
    const first = await apply(desired(80, 81, 82));
    expect(first.status).toBe('applied');
    // No applied state yet: the dispatch read the skill first.
    expect(first.result?.cxoneReads).toBeGreaterThanOrEqual(1);
    const ids = [first.assignmentId];

    await cleanDriftCheckAfter(Date.now(), ids);
    // Within one drift-check interval of that clean check: the first dispatch refreshes the applied state (it may
    // read: the first one's is older than the interval by now), the next ones write from it.
    const second = await apply(desired(80, 81, 82, 83));
    ids.push(second.assignmentId);
    expect(second.status).toBe('applied');
    const third = await apply(desired(80, 81, 82, 83, 85));
    ids.push(third.assignmentId);
    expect(third.status).toBe('applied');
    // Trusted picture, agentIds known from the earlier dispatches: one POST, nothing read.
    expect(third.result).toMatchObject({ cxoneReads: 0, cxoneWrites: 1, verified: true });
    expect(
      (await requests()).filter((r) => r.correlationId === third.assignmentId).map((r) => r.method),
    ).toEqual(['POST']);

    // By hand: 82 taken off, 84 put on at proficiency 7, and 95 (not the campaign's) added.
    await handEdit('DELETE', [{ agentId: agentIdOf(82) }]);
    await handEdit('POST', [
      { agentId: agentIdOf(84), isActive: true, proficiency: 7 },
      { agentId: agentIdOf(95), isActive: true, proficiency: 5 },
    ]);
    const fourth = await apply(desired(80, 81, 83, 84, 85));
    expect(fourth.status).toBe('applied');
    // Written from the picture first: the DELETE of 82 found it not assigned and the POST of 84 found it already
    // there, so the same dispatch read the skill and re-diffed (nothing left to write: the PUT after "already
    // assigned" had set 84 as planned).
    const calls = (await requests())
      .filter((r) => r.correlationId === fourth.assignmentId)
      .map((r) => `${r.method} ${r.path.replace(SKILL_AGENTS, 'skill')}`);
    expect(calls).toEqual(['DELETE skill', 'POST skill', 'PUT skill', 'GET skill']);
    expect(fourth.result).toMatchObject({ cxoneReads: 1, cxoneWrites: 3, verified: true });
    expect(await members()).toEqual([
      ...[80, 81, 83, 84, 85].map((n) => ({ userId: userIdOf(n), ...PLANNED })),
      { userId: userIdOf(95), isActive: true, proficiency: 5 },
    ]);
    // Nothing was written to 95, which the campaign does not own: its state is the supervisor's.
    expect(calls.some((call) => call.includes(String(agentIdOf(95))))).toBe(false);
  }, 480_000);
});
