// The admin client against the CXone sandbox over real sockets, for each answer of the real Admin API the client
// must handle: 409 Invalid Permissions, 204, failures by position, hiddenAgents, proficiency 12 set by hand,
// membership, listInactive either way, single-agent DELETE, error texts, both client authentication methods with
// awkward secrets, an RS256 id_token, a directory past 10,000 agents.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type CxoneSandbox,
  FIRST_AGENT_ID,
  type RequestLogEntry,
  SANDBOX_CREDENTIALS,
  startCxoneSandbox,
} from '../../infra/local/cxone-sandbox/server.ts';
import {
  type CreateCxoneClientOptions,
  CxoneAuthError,
  type CxoneCredentials,
  CxonePermanentError,
  convergeWithBalancing,
  createCxoneClient,
  type MembershipScope,
  staticCredentials,
} from '../../lib/cxone/client.ts';
import type { AgentPlan, SkillAssignment } from '../../lib/domain/types.ts';
import {
  ADMIN,
  adminToken,
  call,
  decodeJwtPayload,
  type ResultSetBody,
  SKILL_ID,
  setFaults,
  skillMembers,
} from './cxone-sandbox-http.ts';

const target = { campaignId: '12345678-1234-1234-1234-123456789012', skillId: SKILL_ID };
const userIdOf = (n: number) => `agent-uuid-${String(n).padStart(3, '0')}`;
const agentIdOf = (n: number) => FIRST_AGENT_ID + n - 1;
const a = (n: number, isActive = true, proficiency = 1): SkillAssignment => ({
  userId: userIdOf(n),
  isActive,
  proficiency,
});
const managed = (...earlier: number[]): MembershipScope => ({
  mode: 'managed',
  managed: earlier.map(userIdOf),
});
const exclusive: MembershipScope = { mode: 'exclusive', managed: [] };

let sandbox: CxoneSandbox;
beforeAll(async () => {
  sandbox = await startCxoneSandbox({ port: 0 });
});
afterAll(async () => {
  await sandbox?.close();
});
beforeEach(() => sandbox.reset());

const ctx = () => ({
  correlationId: `real-${Math.random().toString(36).slice(2)}`,
  deadline: Date.now() + 60_000,
});

function client(overrides: Partial<CreateCxoneClientOptions> = {}, on = sandbox) {
  return createCxoneClient({
    credentials: staticCredentials({ ...SANDBOX_CREDENTIALS, issuer: on.url }),
    rateLimitPerSecond: 1000,
    backoff: { baseMs: 20, capMs: 100 },
    ...overrides,
  });
}

async function state(skillId = SKILL_ID): Promise<SkillAssignment[]> {
  return (await skillMembers(sandbox.url, skillId))
    .map(({ userId, isActive, proficiency }) => ({ userId, isActive, proficiency }))
    .sort((x, y) => x.userId.localeCompare(y.userId));
}

async function requests(on = sandbox): Promise<RequestLogEntry[]> {
  return (await call<RequestLogEntry[]>(on.url, '/sandbox/requests')).body;
}
const apiWrites = async () =>
  (await requests()).filter((entry) => entry.path.startsWith(ADMIN) && entry.method !== 'GET');

/** What a supervisor does in CXone by hand: any token the sandbox issued may call the Admin API directly. */
async function handEdit(
  method: 'POST' | 'PUT',
  agents: Array<{ agentId: number; isActive?: boolean; proficiency?: number }>,
) {
  const token = (await adminToken(sandbox.url)).access_token;
  const reply = await call<ResultSetBody>(sandbox.url, `${ADMIN}/skills/${SKILL_ID}/agents`, {
    method,
    token,
    json: { agents },
  });
  expect(reply.body.resultSet.errorCount).toBe(0);
}

describe('409 Invalid Permissions', () => {
  it('ends the converge with CXone’s reason after one write, leaving every agent as it was; never load balancing', async () => {
    await client().converge(target, [a(1), a(2)], ctx());
    await setFaults(sandbox.url, { rate409: 1 });
    await call(sandbox.url, '/sandbox/requests', { method: 'DELETE' });
    const plan: AgentPlan[] = [1, 2, 3].map((n) => ({
      userId: userIdOf(n),
      active: n !== 2,
      reason: n !== 2 ? 'active' : 'outside_agent_window',
      overlapMinutes: 480,
      capacityScore: 1,
      proficiency: 1,
    }));

    const error = await convergeWithBalancing(client(), target, plan, ctx(), managed(1, 2)).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(CxonePermanentError);
    expect(error).toMatchObject({ status: 409 });
    expect((error as Error).message).toContain('Invalid Permissions');
    expect((await apiWrites()).map((entry) => [entry.method, entry.status])).toEqual([['PUT', 409]]);
    expect(await state()).toEqual([a(1), a(2)]);
  });
});

describe('lists and results', () => {
  it('reads an empty skill from a 204', async () => {
    const result = await client().converge(target, [], ctx());
    expect(result).toMatchObject({ current: [], verified: true, writes: 0 });
    const reads = (await requests()).filter((entry) => entry.path === `${ADMIN}/skills/${SKILL_ID}/agents`);
    expect(reads.map((entry) => entry.status)).toEqual([204]);
  });

  it('fails only the agent no CXone agent has, after a fresh listing, and keeps CXone’s reason for a refused one', async () => {
    const result = await client().converge(target, [a(1), { ...a(2), proficiency: 1 }, a(777)], ctx());
    expect(result.added).toEqual([userIdOf(1), userIdOf(2)]);
    expect(result.failedAgents).toEqual([
      { userId: userIdOf(777), reason: expect.stringContaining('unknown_user') },
    ]);
    expect(await state()).toEqual([a(1), a(2)]);
  });
});

describe('membership and hand edits', () => {
  it('managed: a member added by hand at proficiency 12 is left at 12 and reported foreign', async () => {
    await client().converge(target, [a(1)], ctx());
    await handEdit('POST', [{ agentId: agentIdOf(5), isActive: true, proficiency: 12 }]);

    const result = await client().converge(target, [a(2)], ctx(), managed(1));

    expect(result.foreign).toEqual([a(5, true, 12)]);
    expect(result).toMatchObject({ removed: [userIdOf(1)], added: [userIdOf(2)], released: [userIdOf(1)] });
    expect(await state()).toEqual([a(2), a(5, true, 12)]);
    const written = (await apiWrites()).flatMap((entry) => entry.path);
    expect(written.some((path) => path.endsWith(`/${agentIdOf(5)}`))).toBe(false);
  });

  it('managed: a managed agent set to 12 by hand is an update back to the plan', async () => {
    await client().converge(target, [a(1, true, 2)], ctx());
    await handEdit('PUT', [{ agentId: agentIdOf(1), proficiency: 12 }]);

    const result = await client().converge(target, [a(1, true, 2)], ctx(), managed(1));

    expect(result).toMatchObject({ updated: [userIdOf(1)], verified: true });
    expect(result.before).toEqual([a(1, true, 12)]);
    expect(await state()).toEqual([a(1, true, 2)]);
  });

  it('exclusive: members added by hand are removed', async () => {
    await handEdit('POST', [
      { agentId: agentIdOf(5), proficiency: 12 },
      { agentId: agentIdOf(6), isActive: false },
    ]);
    const result = await client().converge(target, [a(1)], ctx(), exclusive);
    expect(result).toMatchObject({ removed: [userIdOf(5), userIdOf(6)], foreign: [], verified: true });
    expect(await state()).toEqual([a(1)]);
  });
});

describe('hidden members (hiddenAgents)', () => {
  it('are reported; managed verifies, exclusive cannot', async () => {
    await client().converge(target, [a(1), a(2)], ctx());
    await setFaults(sandbox.url, { hiddenAgents: 1 });

    const asManaged = await client().converge(target, [a(1), a(2), a(3)], ctx(), managed(1, 2));
    expect(asManaged).toMatchObject({ hiddenAgents: 1, verified: true, failedAgents: [] });

    const asExclusive = await client().converge(target, [a(1), a(2), a(3)], ctx(), exclusive);
    expect(asExclusive).toMatchObject({ hiddenAgents: 1, verified: false, failedAgents: [] });
    expect(await state()).toEqual([a(1), a(2), a(3)]);
  });

  it('a hidden managed agent no longer desired is removed with a single-agent DELETE (200), an absent one answers 404', async () => {
    await client().converge(target, [a(1), a(2)], ctx());
    await setFaults(sandbox.url, { hiddenAgents: 1 });
    await call(sandbox.url, '/sandbox/requests', { method: 'DELETE' });

    const result = await client().converge(target, [a(2)], ctx(), managed(1, 2, 9));

    expect(result).toMatchObject({
      removed: [userIdOf(1)],
      released: [userIdOf(1), userIdOf(9)],
      verified: true,
    });
    expect(await state()).toEqual([a(2)]);
    const singles = (await apiWrites()).filter((entry) => /\/agents\/\d+$/.test(entry.path));
    expect(singles.map((entry) => [entry.path.split('/').at(-1), entry.status])).toEqual([
      [String(agentIdOf(1)), 200],
      [String(agentIdOf(9)), 404],
    ]);
  });
});

describe.each([true, false])('listInactive: %s', (listInactive) => {
  beforeEach(() => setFaults(sandbox.url, { listInactive }));

  it('an agent written inactive then absent from the verifying read is verified, and so is the next converge', async () => {
    const desired = [a(1, false, 3), a(2), a(3, false, 5)];
    const first = await client().converge(target, desired, ctx());
    expect(first).toMatchObject({ verified: true, failedAgents: [], added: desired.map((x) => x.userId) });
    expect(first.current).toEqual(desired);

    const second = await client().converge(target, desired, ctx());
    expect(second).toMatchObject({ verified: true, failedAgents: [] });
    expect(second.current).toEqual(desired);
    if (listInactive) expect(second.writes).toBe(0);
    else {
      // The read does not show them: the POST is answered "already assigned", then a PUT makes sure.
      expect(second.revealed).toEqual([userIdOf(1), userIdOf(3)]);
      const methods = (await apiWrites()).slice(-2).map((entry) => entry.method);
      expect(methods).toEqual(['POST', 'PUT']);
    }
    expect(await state()).toEqual(desired);
  });

  it('an inactive managed agent no longer desired is removed', async () => {
    await client().converge(target, [a(1, false, 2), a(2)], ctx());
    const result = await client().converge(target, [a(2)], ctx(), managed(1, 2));
    expect(result).toMatchObject({ verified: true, released: [userIdOf(1)] });
    expect(await state()).toEqual([a(2)]);
  });
});

describe('authentication', () => {
  // A colon cannot be part of a Basic user-id (RFC 7617), so the client id holds the other characters only.
  const awkward = { clientId: 'cl+i/e=n%t', clientSecret: 's+e/c=r:e%t', accessKeySecret: 'k+e/y=:%' };
  let strict: CxoneSandbox;
  beforeAll(async () => {
    strict = await startCxoneSandbox({ port: 0, credentials: awkward });
  });
  afterAll(async () => {
    await strict?.close();
  });
  beforeEach(() => strict.reset());

  it.each(['client_secret_basic', 'client_secret_post'] as const)(
    '%s works with secrets holding + / = : %%',
    async (clientAuthMethod) => {
      const credentials: CxoneCredentials = {
        ...SANDBOX_CREDENTIALS,
        ...awkward,
        issuer: strict.url,
        clientAuthMethod,
      };
      const cxone = client({ credentials: staticCredentials(credentials) }, strict);
      await expect(cxone.converge(target, [a(1)], ctx())).resolves.toMatchObject({ verified: true });
      const tokenCalls = (await requests(strict)).filter((entry) => entry.path === '/auth/token');
      expect(tokenCalls.map((entry) => entry.status)).toEqual([200]);
    },
  );

  it('a refused client ends in CxoneAuthError carrying the auth service’s errorDescription', async () => {
    const credentials = { ...SANDBOX_CREDENTIALS, issuer: sandbox.url, clientSecret: 'wrong' };
    const error = await client({ credentials: staticCredentials(credentials) })
      .converge(target, [], ctx())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CxoneAuthError);
    expect((error as Error).message).toContain('Client authentication failed');
    expect((error as Error).message).not.toContain('wrong');
  });

  it('finds the tenant in the RS256 id_token', async () => {
    const token = await adminToken(sandbox.url);
    const header = JSON.parse(Buffer.from(token.id_token.split('.')[0] ?? '', 'base64url').toString('utf8'));
    expect(header.alg).toBe('RS256');
    await client().converge(target, [], ctx());
    const discovery = (await requests()).filter((entry) => entry.path === '/.well-known/cxone-configuration');
    expect(discovery.map((entry) => entry.query)).toEqual([
      `tenantId=${decodeJwtPayload(token.id_token).tenantId}`,
    ]);
  });
});

describe('agent directory', () => {
  it('pages past 10,000 agents to totalRecords', async () => {
    const reply = await call(sandbox.url, '/sandbox/agents', { method: 'PUT', json: { count: 10_050 } });
    expect(reply.status).toBe(200);
    const result = await client().converge(
      target,
      [{ userId: 'agent-uuid-10050', isActive: true, proficiency: 1 }],
      ctx(),
    );
    expect(result).toMatchObject({ added: ['agent-uuid-10050'], verified: true, failedAgents: [] });
    const listings = (await requests()).filter((entry) => entry.path === `${ADMIN}/agents`);
    expect(listings).toHaveLength(101);
  });
});
