// The local stack over HTTP only: the scheduler (at second 0 of every minute, real minutes) re-plans a campaign at
// the minute its agents' windows open and close (windows picked relative to the current time), so the agent is
// active in CXone within 30 s of the opening; and a second desired state queued behind a dispatch in flight
// supersedes the first.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.ts';
import { callApi } from '../support/local-api.ts';

const ROLLING_CAMPAIGN = '22222222-2222-2222-2222-222222222222';
const ROLLING_SKILL = 4502222;
const SPEC_CAMPAIGN = '12345678-1234-1234-1234-123456789012';
const SPEC_SKILL = 4501234;
const FINAL = ['applied', 'partially_applied', 'rejected', 'failed', 'superseded'];
const MINUTE = 60_000;

let stack: LocalStack;
let policiesDir: string;

const utcHhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);

/** The next minute boundary at least 20 s away: windows are whole minutes. */
const nextBoundary = () => Math.ceil((Date.now() + 20_000) / MINUTE) * MINUTE;

const api = (path: string, init?: RequestInit) => callApi(stack, path, init);

async function submit(campaignId: string, body: unknown): Promise<string> {
  const response = await api(`/campaigns/${campaignId}/agents`, {
    method: 'PUT',
    body: JSON.stringify(body),
  });
  const accepted = (await response.json()) as { assignmentId: string };
  expect(response.status, JSON.stringify(accepted)).toBe(202);
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

async function statusOf(assignmentId: string): Promise<string> {
  const response = await api(`/assignments/${assignmentId}`);
  return ((await response.json()) as { status: string }).status;
}

const finalStatus = (assignmentId: string, timeoutMs = 30_000) =>
  until(`a final status of ${assignmentId}`, timeoutMs, async () => {
    const status = await statusOf(assignmentId);
    return FINAL.includes(status) ? status : undefined;
  });

interface Member {
  userId: string;
  isActive: boolean;
}

async function skillMembers(skillId: number): Promise<Member[]> {
  const state = (await (await fetch(`${stack.cxoneUrl}/sandbox/state`)).json()) as {
    skills: Record<string, Member[]>;
  };
  return (state.skills[String(skillId)] ?? []).map(({ userId, isActive }) => ({ userId, isActive }));
}

interface WfmEvent {
  type: string;
  data: { assignmentId: string; campaignId: string; userId?: string; status: string };
}

async function receivedEvents(): Promise<Array<{ event: WfmEvent; signatureValid: boolean }>> {
  const received = (await (await fetch(`${stack.wfmUrl}/received`)).json()) as Array<{
    body: string;
    signatureValid: boolean;
  }>;
  return received.map((hook) => ({
    event: JSON.parse(hook.body) as WfmEvent,
    signatureValid: hook.signatureValid,
  }));
}

function agent(userId: string, start: number, end: number, timezone = 'UTC') {
  return {
    userId,
    skills: ['preview-qualified'],
    availabilityWindow: { start: utcHhmm(start), end: utcHhmm(end), timezone },
    maxConcurrentCalls: 1,
  };
}

beforeAll(async () => {
  policiesDir = await mkdtemp(join(tmpdir(), 'local-rebalance-test-'));
  const extraPolicies = join(policiesDir, 'policies.json');
  await writeFile(
    extraPolicies,
    JSON.stringify([
      {
        campaignId: ROLLING_CAMPAIGN,
        cxoneSkillId: ROLLING_SKILL,
        timezone: 'UTC',
        // Calling hours around now, so only the agents' own windows decide who is active.
        callingHours: { start: utcHhmm(Date.now() - 180 * MINUTE), end: utcHhmm(Date.now() + 180 * MINUTE) },
        allowedAgentTimezones: ['UTC'],
        minWindowOverlapMinutes: 1,
        maxAgents: 10,
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
    env: { POWERTOOLS_LOG_LEVEL: 'ERROR', CXONE_RATE_LIMIT_PER_SECOND: '100' },
  });
}, 240_000);

afterAll(async () => {
  await stack?.stop();
  if (policiesDir) await rm(policiesDir, { recursive: true, force: true });
});

describe('the minute scheduler on the local stack', () => {
  it('at the minute the windows swap, deactivates one agent and activates the other within 30 s', async () => {
    const boundary = nextBoundary();
    const closing = 'agent-uuid-010';
    const opening = 'agent-uuid-011';
    const submitted = await submit(ROLLING_CAMPAIGN, {
      agents: [
        agent(closing, boundary - 120 * MINUTE, boundary),
        agent(opening, boundary, boundary + 120 * MINUTE),
      ],
    });
    expect(await finalStatus(submitted)).toBe('applied');
    expect(await skillMembers(ROLLING_SKILL)).toEqual([
      { userId: closing, isActive: true },
      { userId: opening, isActive: false },
    ]);

    // Nothing changes before the boundary: the campaign is not due until then.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, boundary - Date.now() - 1_000)));
    const rebalancedEarly = (await receivedEvents()).filter(
      ({ event }) => event.type.endsWith('campaign.rebalanced') && event.data.campaignId === ROLLING_CAMPAIGN,
    );
    expect(rebalancedEarly).toEqual([]);
    expect((await skillMembers(ROLLING_SKILL)).find((m) => m.userId === opening)?.isActive).toBe(false);

    const after = await until('the windows to swap in CXone', 60_000, async () => {
      const members = await skillMembers(ROLLING_SKILL);
      const active = members.filter((m) => m.isActive).map((m) => m.userId);
      return active.length === 1 && active[0] === opening ? members : undefined;
    });
    // As a user would check: the sandbox shows the agent active at most 30 s after the window opened.
    const lagMs = Date.now() - boundary;
    expect(lagMs).toBeLessThanOrEqual(30_000);
    expect(after).toEqual([
      { userId: closing, isActive: false },
      { userId: opening, isActive: true },
    ]);

    const events = await until('the rebalance events', 30_000, async () => {
      const all = (await receivedEvents()).filter(({ event }) => event.data.campaignId === ROLLING_CAMPAIGN);
      return all.some(({ event }) => event.type.endsWith('campaign.rebalanced')) ? all : undefined;
    });
    expect(events.every(({ signatureValid }) => signatureValid)).toBe(true);
    const rebalanced = events.find(({ event }) => event.type.endsWith('campaign.rebalanced'));
    const rebalanceId = rebalanced?.event.data.assignmentId ?? '';
    expect(rebalanceId).not.toBe(submitted);
    const changes = events
      .filter(({ event }) => event.data.assignmentId === rebalanceId && event.type.includes('.agent.'))
      .map(({ event }) => `${event.type.replace('com.cxone-assignments.agent.', '')} ${event.data.userId}`)
      .sort();
    expect(changes).toEqual([`activated ${opening}`, `deactivated ${closing}`]);
    expect(await statusOf(rebalanceId)).toBe('applied');
  }, 180_000);
});

describe('supersession on the local stack', () => {
  it('applies the newest desired state and marks the one queued behind a dispatch in flight superseded', async () => {
    const body = (...userIds: string[]) => ({
      agents: userIds.map((userId) => ({
        userId,
        skills: ['preview-qualified'],
        availabilityWindow: { start: '08:00', end: '21:00', timezone: 'America/New_York' },
        maxConcurrentCalls: 1,
      })),
    });
    // A slow CXone keeps the first dispatch in flight while two more states queue behind it (same FIFO group).
    await fetch(`${stack.cxoneUrl}/sandbox/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ latencyMs: 400 }),
    });
    const first = await submit(SPEC_CAMPAIGN, body('agent-uuid-020'));
    await until('the first dispatch to start', 20_000, async () =>
      (await statusOf(first)) === 'dispatching' ? true : undefined,
    );
    const second = await submit(SPEC_CAMPAIGN, body('agent-uuid-021'));
    const third = await submit(SPEC_CAMPAIGN, body('agent-uuid-022', 'agent-uuid-023'));
    await fetch(`${stack.cxoneUrl}/sandbox/faults`, { method: 'DELETE' });

    expect(await finalStatus(first)).toBe('applied');
    expect(await finalStatus(second)).toBe('superseded');
    expect(await finalStatus(third)).toBe('applied');
    expect((await skillMembers(SPEC_SKILL)).map((m) => m.userId)).toEqual([
      'agent-uuid-022',
      'agent-uuid-023',
    ]);

    const finals = await until('the final events of the three', 30_000, async () => {
      const all = (await receivedEvents())
        .map(({ event }) => event)
        .filter((event) => event.type.startsWith('com.cxone-assignments.assignment.'));
      const of = (id: string) =>
        all.filter((event) => event.data.assignmentId === id).map((event) => event.type);
      const found = [of(first), of(second), of(third)];
      return found.every((types) => types.length > 0) ? found : undefined;
    });
    expect(finals).toEqual([
      ['com.cxone-assignments.assignment.applied'],
      ['com.cxone-assignments.assignment.superseded'],
      ['com.cxone-assignments.assignment.applied'],
    ]);
  });
});
