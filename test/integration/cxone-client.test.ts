// The CXone client against the CXone sandbox over real sockets on 127.0.0.1 (both targets).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type CxoneSandbox,
  type RequestLogEntry,
  SANDBOX_CREDENTIALS,
  type SandboxFaults,
  startCxoneSandbox,
} from '../../infra/local/cxone-sandbox/server.ts';
import {
  type CallContext,
  type CampaignTarget,
  type CreateCxoneClientOptions,
  type CxoneAssignmentClient,
  CxonePermanentError,
  CxoneRetryableError,
  convergeWithBalancing,
  createCxoneClient,
  staticCredentials,
} from '../../lib/cxone/client.ts';
import type { FetchFn } from '../../lib/cxone/http.ts';
import type { AgentPlan, SkillAssignment } from '../../lib/domain/types.ts';
import { adminToken } from './cxone-sandbox-http.ts';

const SKILL_ID = 4501234;
const CAMPAIGN_ID = '12345678-1234-1234-1234-123456789012';
const target = { campaignId: CAMPAIGN_ID, skillId: SKILL_ID };

let sandbox: CxoneSandbox;

beforeAll(async () => {
  sandbox = await startCxoneSandbox({ port: 0 });
});
afterAll(async () => {
  await sandbox?.close();
});
beforeEach(() => sandbox.reset());

function agent(n: number, isActive = true, proficiency = 1): SkillAssignment {
  return { userId: `agent-uuid-${String(n).padStart(3, '0')}`, isActive, proficiency };
}

function ctx(deadlineInMs = 30_000, correlationId = `assignment-${Math.random().toString(36).slice(2)}`) {
  return { correlationId, deadline: Date.now() + deadlineInMs };
}

function client(on: CxoneSandbox = sandbox, overrides: Partial<CreateCxoneClientOptions> = {}) {
  return createCxoneClient({
    target: 'admin',
    credentials: staticCredentials({ ...SANDBOX_CREDENTIALS, issuer: on.url }),
    rateLimitPerSecond: 1000,
    backoff: { baseMs: 50, capMs: 400 },
    ...overrides,
  });
}

async function control(on: CxoneSandbox, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${on.url}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
  });
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${await response.text()}`);
  return response.status === 204 ? undefined : response.json();
}

const setFaults = (faults: Partial<SandboxFaults> & { revokeTokensNow?: boolean }, on = sandbox) =>
  control(on, 'PUT', '/sandbox/faults', faults);
const clearFaults = (on = sandbox) => control(on, 'DELETE', '/sandbox/faults');
const clearRequests = (on = sandbox) => control(on, 'DELETE', '/sandbox/requests');
const requests = async (on = sandbox) => (await control(on, 'GET', '/sandbox/requests')) as RequestLogEntry[];
const apiRequests = async (on = sandbox) =>
  (await requests(on)).filter((entry) => entry.path.startsWith('/inContactAPI/'));

async function skillState(on = sandbox): Promise<SkillAssignment[]> {
  const state = (await control(on, 'GET', '/sandbox/state')) as {
    skills: Record<string, Array<{ userId: string; isActive: boolean; proficiency: number }>>;
  };
  return (state.skills[String(SKILL_ID)] ?? [])
    .map(({ userId, isActive, proficiency }) => ({ userId, isActive, proficiency }))
    .sort((a, b) => a.userId.localeCompare(b.userId));
}

/** Global fetch that lets a test react to each answer (e.g. clear a fault) and records when requests left. */
function fetchThat(onResponse: (response: Response, receivedAt: number) => Promise<void>) {
  const sent: number[] = [];
  const wrapped: FetchFn = async (input, init) => {
    sent.push(Date.now());
    const response = await fetch(input, init);
    await onResponse(response, Date.now());
    return response;
  };
  return { fetch: wrapped, sent };
}

/** Reads the skill, empty in these tests: converging it to the empty state makes one read and no write. */
async function readSkill(cxone: CxoneAssignmentClient, context: CallContext, on: CampaignTarget = target) {
  return (await cxone.converge(on, [], context)).current;
}

const writes = (entries: RequestLogEntry[]) => entries.filter((entry) => entry.method !== 'GET');

describe('admin target converges the sandbox', () => {
  it('from empty', async () => {
    const desired = [agent(1), agent(2, false, 3), agent(3, true, 2)];
    const context = ctx();
    const result = await client().converge(target, desired, context);

    expect(await skillState()).toEqual(desired);
    expect(result).toMatchObject({
      added: ['agent-uuid-001', 'agent-uuid-002', 'agent-uuid-003'],
      failedAgents: [],
      verified: true,
      writes: 1,
    });
    expect(result.current).toEqual(desired);
    const api = await apiRequests();
    expect(api.every((entry) => entry.correlationId === context.correlationId)).toBe(true);
    expect(writes(api).map((entry) => entry.method)).toEqual(['POST']);
  });

  it('from a different state, writing only the differences', async () => {
    const cxone = client();
    await cxone.converge(target, [agent(1), agent(2), agent(3)], ctx());
    await clearRequests();

    const desired = [agent(2, false, 4), agent(3), agent(4)];
    const earlier = [agent(1), agent(2), agent(3)].map((a) => a.userId);
    const result = await cxone.converge(target, desired, ctx(), { mode: 'managed', managed: earlier });

    expect(await skillState()).toEqual(desired);
    expect(result).toMatchObject({
      added: ['agent-uuid-004'],
      updated: ['agent-uuid-002'],
      removed: ['agent-uuid-001'],
      verified: true,
      writes: 3,
    });
    expect(result.before).toEqual([agent(1), agent(2), agent(3)]);
    expect(writes(await apiRequests()).map((entry) => entry.method)).toEqual(['DELETE', 'PUT', 'POST']);
  });

  it('from an equal state with zero writes', async () => {
    const desired = [agent(5), agent(6, false, 5)];
    await client().converge(target, desired, ctx());
    await clearRequests();

    const result = await client().converge(target, desired, ctx());

    expect(result).toMatchObject({ writes: 0, verified: true, added: [], updated: [], removed: [] });
    const api = await apiRequests();
    expect(writes(api)).toEqual([]);
    expect(api).toHaveLength(1);
  });

  it('from a trusted picture: writes without reading, and confirms by the answers', async () => {
    const cxone = client();
    await cxone.converge(target, [agent(1), agent(2)], ctx()); // the agentIds are known from here on
    await clearRequests();

    const desired = [agent(1, false, 4), agent(3)];
    const scope = { mode: 'managed' as const, managed: ['agent-uuid-001', 'agent-uuid-002'] };
    const result = await cxone.converge(target, desired, ctx(), scope, {
      trusted: { members: [agent(1), agent(2)] },
    });

    expect(await skillState()).toEqual(desired);
    expect(result).toMatchObject({ confirmedBy: 'write_results', verified: true, reads: 0, writes: 3 });
    expect((await apiRequests()).map((entry) => entry.method)).toEqual(['DELETE', 'PUT', 'POST']);
  });

  it('from a stale picture: the sandbox’s "not assigned" and "already assigned" make it read and write again', async () => {
    const cxone = client();
    await cxone.converge(target, [agent(1), agent(2)], ctx());
    // Since the picture: agent 1 taken off, agent 3 put on at proficiency 9 (by hand, say).
    await cxone.converge(target, [agent(2), agent(3, true, 9)], ctx(), {
      mode: 'managed',
      managed: ['agent-uuid-001'],
    });
    await clearRequests();

    const desired = [agent(1, true, 2), agent(2), agent(3)];
    const result = await cxone.converge(target, desired, ctx(), undefined, {
      trusted: { members: [agent(1), agent(2)] },
    });

    expect(await skillState()).toEqual(desired);
    // PUT agent 1 ("not assigned") and POST agent 3 ("already assigned", then a PUT), a read, then the POST of 1.
    expect((await apiRequests()).map((entry) => entry.method)).toEqual(['PUT', 'POST', 'PUT', 'GET', 'POST']);
    expect(result).toMatchObject({
      confirmedBy: 'write_results',
      verified: true,
      revealed: ['agent-uuid-003'],
    });
    expect(result.failedAgents).toEqual([]);
  });

  it('reports partial per-agent failures per agent and applies the rest', async () => {
    await setFaults({ agentErrorRate: 0.5 });
    const desired = Array.from({ length: 10 }, (_, i) => agent(i + 1));
    const result = await client().converge(target, [...desired, agent(999)], ctx());

    const onSkill = new Set((await skillState()).map((assignment) => assignment.userId));
    const failed = result.failedAgents.map((failure) => failure.userId);
    expect(failed).toContain('agent-uuid-999');
    expect(result.failedAgents.find((f) => f.userId === 'agent-uuid-999')?.reason).toContain('unknown_user');
    const refused = result.failedAgents.filter((failure) => failure.userId !== 'agent-uuid-999');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.length).toBeLessThan(10);
    for (const failure of refused) {
      expect(onSkill.has(failure.userId)).toBe(false);
      // CXone's own wording (and spelling), matched to the agent by position: failures carry no agentId.
      expect(failure.reason).toBe('Error has occured while calling external service');
    }
    expect([...onSkill].sort()).toEqual(result.added);
    expect(result.added.length + refused.length).toBe(10);
    expect(result.verified).toBe(false);
  });

  it('never retries a 404 (unknown skill) and says what CXone said', async () => {
    const error = await readSkill(client(), ctx(), { campaignId: CAMPAIGN_ID, skillId: 999 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CxonePermanentError);
    expect(error).toMatchObject({ status: 404 });
    expect((error as Error).message).toContain("Invalid skillId - '999', does not exist");
    expect(await apiRequests()).toHaveLength(1);
  });
});

describe('admin target skill lookup', () => {
  it('tells an outbound Personal Connection skill from an inbound one, and an unknown skill', async () => {
    const cxone = client();
    await expect(cxone.getSkill(4501235, ctx())).resolves.toMatchObject({
      skillId: 4501235,
      isOutbound: true,
      outboundStrategy: 'Personal Connection',
    });
    await expect(cxone.getSkill(4509999, ctx())).resolves.toMatchObject({
      skillId: 4509999,
      isOutbound: false,
    });
    await expect(cxone.getSkill(999, ctx())).resolves.toBeUndefined();
    const skillCalls = (await apiRequests()).filter((entry) => /\/skills\/\d+$/.test(entry.path));
    expect(skillCalls.map((entry) => entry.status)).toEqual([200, 200, 404]);
  });
});

describe('admin target agent directory', () => {
  it("lists the tenant's agents once for several converges that start together", async () => {
    const skills = [4501234, 4502001, 4502002, 4502003, 4502004].map((skillId, i) => ({
      skillId,
      campaignId: `campaign-${i}`,
    }));
    const busy = await startCxoneSandbox({ port: 0, skills });
    try {
      const cxone = client(busy);
      const results = await Promise.all(
        skills.map(({ skillId, campaignId }, i) =>
          cxone.converge({ campaignId, skillId }, [agent(2 * i + 1), agent(2 * i + 2)], ctx()),
        ),
      );
      expect(results.map((result) => result.added.length)).toEqual([2, 2, 2, 2, 2]);
      const listings = (await requests(busy)).filter(
        (entry) => /\/agents$/.test(entry.path) && !entry.path.includes('/skills/'),
      );
      // 200 seeded agents = two pages of 100, fetched by one converge for all five.
      expect(listings).toHaveLength(2);
    } finally {
      await busy.close();
    }
  });
});

describe('admin target permissions', () => {
  it("never retries a 403 (the access key may not touch the skill) and surfaces CXone's description", async () => {
    const restricted = await startCxoneSandbox({
      port: 0,
      skills: [
        { skillId: SKILL_ID, campaignId: CAMPAIGN_ID },
        { skillId: 4509999, campaignId: 'restricted-campaign' },
      ],
      forbiddenSkillIds: [4509999],
    });
    try {
      const error = await client(restricted)
        .converge({ campaignId: 'restricted-campaign', skillId: 4509999 }, [agent(1)], ctx())
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CxonePermanentError);
      expect(error).toMatchObject({ status: 403 });
      expect((error as Error).message).toContain("Skill - '4509999' is restricted");
      const log = (await (await fetch(`${restricted.url}/sandbox/requests`)).json()) as RequestLogEntry[];
      const skillCalls = log.filter((entry) => entry.path.includes('/skills/4509999/'));
      expect(skillCalls.map((entry) => entry.status)).toEqual([403]);
    } finally {
      await restricted.close();
    }
  });
});

describe('admin target tokens', () => {
  const tokenRequests = async () => (await requests()).filter((entry) => entry.path === '/auth/token');

  it('after tokens are revoked, 20 concurrent calls share exactly one new token', async () => {
    const cxone = client();
    await readSkill(cxone, ctx());
    await setFaults({ revokeTokensNow: true });
    await clearRequests();

    const results = await Promise.all(Array.from({ length: 20 }, () => readSkill(cxone, ctx())));

    expect(results).toHaveLength(20);
    expect(await tokenRequests()).toHaveLength(1);
  });

  it('refreshes a short-lived token before it expires, once for 20 concurrent calls', async () => {
    await setFaults({ tokenTtlSeconds: 2 });
    const cxone = client();
    await readSkill(cxone, ctx());
    await clearRequests();
    await new Promise((resolve) => setTimeout(resolve, 1100)); // past half-life (1 s)

    await Promise.all(Array.from({ length: 20 }, () => readSkill(cxone, ctx())));

    const log = await requests();
    expect(log.filter((entry) => entry.path === '/auth/token')).toHaveLength(1);
    expect(log.filter((entry) => entry.status === 401)).toEqual([]);
  });
});

describe('admin target retries', () => {
  it('retries a 429 without Retry-After and then succeeds', async () => {
    let throttled = 0;
    const spy = fetchThat(async (response) => {
      if (response.status === 429 && ++throttled === 2) await clearFaults();
    });
    const cxone = client(sandbox, { fetch: spy.fetch });
    await readSkill(cxone, ctx()); // token first, so the faults hit the API call
    await setFaults({ rate429: 1 });
    await clearRequests();

    await expect(cxone.converge(target, [agent(7)], ctx())).resolves.toMatchObject({ verified: true });

    const statuses = (await apiRequests()).map((entry) => entry.status);
    // The skill is empty: CXone answers the read 204 No Content.
    expect(statuses.slice(0, 3)).toEqual([429, 429, 204]);
    expect(await skillState()).toEqual([agent(7)]);
  });

  it('sends nothing before the Retry-After has elapsed', async () => {
    let throttledAt: number | undefined;
    let retryAfter: string | null = null;
    const spy = fetchThat(async (response, receivedAt) => {
      if (response.status === 429 && throttledAt === undefined) {
        throttledAt = receivedAt;
        retryAfter = response.headers.get('retry-after');
        await clearFaults();
      }
    });
    const cxone = client(sandbox, { fetch: spy.fetch });
    await readSkill(cxone, ctx());
    await setFaults({ rate429: 1, retryAfterSeconds: 1 });
    const sentBefore = spy.sent.length;

    await readSkill(cxone, ctx());

    const retrySentAt = spy.sent[sentBefore + 1];
    expect(retryAfter).toBe('1');
    expect(throttledAt).toBeDefined();
    expect(retrySentAt).toBeDefined();
    expect((retrySentAt ?? 0) - (throttledAt ?? 0)).toBeGreaterThanOrEqual(1000);
  });

  it('retries a burst of 5xx and then succeeds', async () => {
    let failures = 0;
    const spy = fetchThat(async (response) => {
      if (response.status >= 500 && ++failures === 3) await clearFaults();
    });
    const cxone = client(sandbox, { fetch: spy.fetch });
    await readSkill(cxone, ctx());
    await setFaults({ rate5xx: 1 });
    await clearRequests();

    await expect(cxone.converge(target, [agent(8)], ctx())).resolves.toMatchObject({ verified: true });

    const statuses = (await apiRequests()).map((entry) => entry.status);
    expect(statuses.slice(0, 3).every((status) => status >= 500)).toBe(true);
    expect(statuses[3]).toBe(204);
  });

  it('gives up in time with a retryable error when CXone keeps failing', async () => {
    // Without the deadline these sleeps (495, 990, 1980, 3960 ms) would take about 7.4 s.
    const cxone = client(sandbox, { backoff: { baseMs: 500, capMs: 10_000 }, random: () => 0.99 });
    await readSkill(cxone, ctx());
    await setFaults({ rate5xx: 1 });

    const started = Date.now();
    const error = await cxone.converge(target, [agent(9)], ctx(1500)).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CxoneRetryableError);
    expect(Date.now() - started).toBeLessThan(1500 + 500);
  });

  it('gives up in time when CXone never answers (request timeout bounded by the deadline)', async () => {
    const cxone = client(sandbox, { requestTimeoutMs: 10_000 });
    await readSkill(cxone, ctx());
    await setFaults({ rateTimeout: 1 });

    const started = Date.now();
    const error = await readSkill(cxone, ctx(800)).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CxoneRetryableError);
    expect((error as Error).message).toMatch(/no answer within|deadline/);
    expect(Date.now() - started).toBeLessThan(800 + 500);
  });

  it('holds the client-side rate limit', async () => {
    const limit = 20;
    const cxone = client(sandbox, { rateLimitPerSecond: limit });
    await readSkill(cxone, ctx());
    await setFaults({ rateLimitPerSecond: limit }); // the sandbox would answer 429 to anything faster
    await clearRequests();

    await Promise.all(Array.from({ length: 40 }, () => readSkill(cxone, ctx())));

    const log = await requests();
    const times = log.map((entry) => Date.parse(entry.at)).sort((a, b) => a - b);
    const seconds = ((times.at(-1) ?? 0) - (times[0] ?? 0)) / 1000;
    expect(log).toHaveLength(40);
    expect((log.length - 1) / seconds).toBeLessThanOrEqual(limit * 1.1);
    expect(log.filter((entry) => entry.status === 429)).toEqual([]);
  });
});

describe('campaign-agents target (the original spec’s contract)', () => {
  let limited: CxoneSandbox;

  beforeAll(async () => {
    limited = await startCxoneSandbox({ port: 0, capacityLimit: 3 });
  });
  afterAll(async () => {
    await limited?.close();
  });
  beforeEach(() => limited.reset());

  const campaignClient = (on: CxoneSandbox) =>
    createCxoneClient({
      target: 'campaign-agents',
      credentials: staticCredentials({
        clientId: SANDBOX_CREDENTIALS.clientId,
        clientSecret: SANDBOX_CREDENTIALS.clientSecret,
        issuer: on.url,
      }),
      rateLimitPerSecond: 1000,
    });

  const puts = async (on: CxoneSandbox) =>
    (await requests(on)).filter((entry) => entry.method === 'PUT' && entry.path.includes('/campaigns/'));

  function plan(count: number): AgentPlan[] {
    return Array.from({ length: count }, (_, i) => ({
      userId: agent(i + 1).userId,
      active: true,
      reason: 'active' as const,
      overlapMinutes: 480,
      capacityScore: 0.9 - i / 100,
      proficiency: 1,
    }));
  }

  it('PUTs the whole set once, then nothing when already equal', async () => {
    const cxone = campaignClient(sandbox);
    const desired = [agent(1), agent(2, false, 2)];
    const first = await cxone.converge(target, desired, ctx());
    const second = await cxone.converge(target, desired, ctx());

    expect(first).toMatchObject({ writes: 1, verified: true, added: ['agent-uuid-001', 'agent-uuid-002'] });
    expect(second).toMatchObject({ writes: 0, verified: true });
    expect(await puts(sandbox)).toHaveLength(1);
    expect(await skillState()).toEqual(desired);
    const tokens = (await requests()).filter((entry) => entry.path === '/oauth2/token');
    expect(tokens).toHaveLength(1);
  });

  it('managed: a member added by hand through the Admin API survives the replacing PUT, as it was', async () => {
    const token = (await adminToken(sandbox.url)).access_token;
    const handEdit = await fetch(`${sandbox.url}/inContactAPI/services/v30.0/skills/${SKILL_ID}/agents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ agents: [{ agentId: 100009, isActive: false, proficiency: 4 }] }),
    });
    expect(handEdit.status).toBe(200);

    const result = await campaignClient(sandbox).converge(target, [agent(1)], ctx());

    expect(result).toMatchObject({ added: ['agent-uuid-001'], verified: true });
    expect(result.foreign).toEqual([agent(9, false, 4)]);
    expect(await skillState()).toEqual([agent(1), agent(9, false, 4)]);
  });

  it('answers a capacity 409 by load balancing once, then stops', async () => {
    const result = await convergeWithBalancing(campaignClient(limited), target, plan(5), ctx());

    expect(await puts(limited)).toHaveLength(2);
    expect((await puts(limited)).map((entry) => entry.status)).toEqual([409, 200]);
    expect(result.dropped).toEqual(['agent-uuid-004', 'agent-uuid-005']);
    const state = await skillState(limited);
    expect(state.filter((assignment) => assignment.isActive).map((assignment) => assignment.userId)).toEqual([
      'agent-uuid-001',
      'agent-uuid-002',
      'agent-uuid-003',
    ]);
    expect(state).toHaveLength(5);
    expect(result.verified).toBe(true);
  });
});
