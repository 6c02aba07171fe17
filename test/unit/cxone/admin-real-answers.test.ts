// The admin target against CXone's real answers (the in-memory fake answers as the Admin API does): 409 Invalid
// Permissions, 204, results by position, hiddenAgents, proficiency 1–20, membership, unlisted inactive members,
// client authentication methods, an unbounded agent directory.
import { describe, expect, it } from 'vitest';
import { createCxoneClient } from '../../../lib/cxone/client.ts';
import { type CxoneCredentials, staticCredentials } from '../../../lib/cxone/credentials.ts';
import { CxonePermanentError } from '../../../lib/cxone/errors.ts';
import type { MembershipScope } from '../../../lib/cxone/types.ts';
import type { SkillAssignment } from '../../../lib/domain/types.ts';
import { API, agentIdOf, CREDENTIALS, FakeCxone, ISSUER, TENANT_ID } from './fake-cxone.ts';
import { fakeClock, json, scriptedFetch } from './fakes.ts';

const target = { campaignId: 'campaign-1', skillId: 42 };
const a = (userId: string, isActive = true, proficiency = 1): SkillAssignment => ({
  userId,
  isActive,
  proficiency,
});
const managed = (...earlier: string[]): MembershipScope => ({ mode: 'managed', managed: earlier });
const exclusive: MembershipScope = { mode: 'exclusive', managed: [] };

function setup(cxone: FakeCxone, credentials: CxoneCredentials = CREDENTIALS) {
  const clock = fakeClock();
  const { fetch, calls } = scriptedFetch(cxone.handler, clock.now);
  const client = createCxoneClient({
    target: 'admin',
    credentials: staticCredentials(credentials),
    fetch,
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0.5,
    rateLimitPerSecond: 1000,
  });
  const ctx = { correlationId: 'assignment-9', deadline: clock.now() + 600_000 };
  const apiCalls = () =>
    calls
      .filter((call) => call.url.href.startsWith(API))
      .map((call) => `${call.method} ${call.url.pathname.replace('/inContactAPI/services/v30.0', '')}`);
  return { client, ctx, calls, apiCalls };
}

const sorted = (state: SkillAssignment[]) => [...state].sort((x, y) => x.userId.localeCompare(y.userId));

describe('the Admin API’s 409', () => {
  it('is a permanent refusal with CXone’s reason: no load balancing, no further write, nothing changed', async () => {
    const cxone = new FakeCxone([a('user-1'), a('user-2')]);
    cxone.writeStatus = 409;
    const { client, ctx, apiCalls } = setup(cxone);
    const error = await client
      .converge(target, [a('user-2', false), a('user-3')], ctx, managed('user-1'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CxonePermanentError);
    expect(error).toMatchObject({ status: 409 });
    expect((error as Error).message).toContain('Invalid Permissions');
    expect(apiCalls().filter((call) => !call.startsWith('GET'))).toEqual(['DELETE /skills/42/agents']);
    expect(sorted(cxone.assignments())).toEqual([a('user-1'), a('user-2')]);
  });
});

describe('lists and write results', () => {
  it('reads an empty skill answered 204 No Content as empty, with one read', async () => {
    const { client, ctx, calls } = setup(new FakeCxone());
    const result = await client.converge(target, [], ctx);
    expect(result).toMatchObject({ current: [], reads: 1, writes: 0, verified: true, hiddenAgents: 0 });
    expect(calls.filter((call) => call.url.href.startsWith(API)).length).toBe(1);
  });

  it('matches failures to agents by position (CXone sends agentId only on success) and keeps CXone’s reason', async () => {
    const cxone = new FakeCxone();
    cxone.refusedAgents.set(agentIdOf('user-2'), 'Skill proficiency is out of range');
    cxone.refusedAgents.set(agentIdOf('user-4'), 'Agent is locked');
    const { client, ctx } = setup(cxone);
    const result = await client.converge(
      target,
      ['user-1', 'user-2', 'user-3', 'user-4'].map((u) => a(u)),
      ctx,
    );
    expect(result.added).toEqual(['user-1', 'user-3']);
    expect(result.failedAgents).toEqual([
      { userId: 'user-2', reason: 'Skill proficiency is out of range' },
      { userId: 'user-4', reason: 'Agent is locked' },
    ]);
  });
});

describe('membership', () => {
  it('managed: leaves every member that is not the campaign’s alone, whatever its proficiency, and reports it', async () => {
    const cxone = new FakeCxone([a('user-1', true, 12), a('user-7', false, 3), a('user-8', true, 12)]);
    const { client, ctx } = setup(cxone);
    const result = await client.converge(target, [a('user-1', true, 3), a('user-2')], ctx, managed('user-8'));
    // user-1 is desired (found at 12: an update), user-8 is managed and no longer desired, user-7 is foreign.
    expect(result).toMatchObject({
      updated: ['user-1'],
      added: ['user-2'],
      removed: ['user-8'],
      released: ['user-8'],
      verified: true,
    });
    expect(result.foreign).toEqual([a('user-7', false, 3)]);
    expect(sorted(cxone.assignments())).toEqual([a('user-1', true, 3), a('user-2'), a('user-7', false, 3)]);
    expect(cxone.written.flatMap((write) => write.agentIds)).not.toContain(agentIdOf('user-7'));
  });

  it('managed: a foreign member at proficiency 12 is left at 12', async () => {
    const cxone = new FakeCxone([a('user-5', true, 12)]);
    const { client, ctx } = setup(cxone);
    const result = await client.converge(target, [a('user-1')], ctx);
    expect(result.foreign).toEqual([a('user-5', true, 12)]);
    expect(cxone.written).toEqual([{ method: 'POST', agentIds: [agentIdOf('user-1')] }]);
  });

  it('exclusive: the skill ends with exactly the desired set', async () => {
    const cxone = new FakeCxone([a('user-5', true, 12), a('user-6', false, 2)]);
    const { client, ctx } = setup(cxone);
    const result = await client.converge(target, [a('user-1')], ctx, exclusive);
    expect(result).toMatchObject({
      removed: ['user-5', 'user-6'],
      added: ['user-1'],
      foreign: [],
      verified: true,
    });
    expect(cxone.assignments()).toEqual([a('user-1')]);
  });
});

describe('hidden members', () => {
  it('are reported; a managed converge still verifies what it owns', async () => {
    const cxone = new FakeCxone([a('user-1'), a('user-2')]);
    cxone.hiddenAgents = 1;
    const { client, ctx } = setup(cxone);
    const result = await client.converge(target, [a('user-2'), a('user-3')], ctx);
    expect(result).toMatchObject({ hiddenAgents: 1, verified: true, added: ['user-3'], failedAgents: [] });
    expect(cxone.skill.has(agentIdOf('user-1'))).toBe(true);
  });

  it('make an exclusive converge unverifiable', async () => {
    const cxone = new FakeCxone([a('user-1'), a('user-2')]);
    cxone.hiddenAgents = 1;
    const { client, ctx } = setup(cxone);
    const result = await client.converge(target, [a('user-3')], ctx, exclusive);
    expect(result).toMatchObject({ hiddenAgents: 1, verified: false, removed: ['user-2'], failedAgents: [] });
  });

  it('a desired agent that is hidden is rewritten with a PUT after CXone says it is already assigned', async () => {
    const cxone = new FakeCxone([a('user-1', true, 4)]);
    cxone.hiddenAgents = 1;
    const { client, ctx } = setup(cxone);
    const result = await client.converge(target, [a('user-1', true, 2)], ctx);
    expect(result).toMatchObject({ updated: ['user-1'], added: [], revealed: ['user-1'], verified: true });
    expect(cxone.assignments()).toEqual([a('user-1', true, 2)]);
  });

  it('a managed agent no longer desired is removed even when the read does not list it', async () => {
    const cxone = new FakeCxone([a('user-1')]);
    cxone.hiddenAgents = 1;
    const { client, ctx, apiCalls } = setup(cxone);
    const result = await client.converge(target, [], ctx, managed('user-1', 'user-9'));
    expect(apiCalls()).toContain(`DELETE /skills/42/agents/${agentIdOf('user-1')}`);
    // user-1 was there (200), user-9 was not (404): both are known to be off the skill now.
    expect(result).toMatchObject({ removed: ['user-1'], released: ['user-1', 'user-9'], verified: true });
    expect(cxone.assignments()).toEqual([]);
  });
});

describe.each([true, false])('inactive members (listed by the read: %s)', (listInactive) => {
  it('an agent written inactive is verified, and the same state again ends verified and as desired', async () => {
    const cxone = new FakeCxone([a('user-1')]);
    cxone.listInactive = listInactive;
    const { client, ctx } = setup(cxone);
    const desired = [a('user-1', false, 2), a('user-2', false, 5), a('user-3')];
    const first = await client.converge(target, desired, ctx);
    expect(first).toMatchObject({ verified: true, failedAgents: [] });
    expect(first.current).toEqual(desired);
    const second = await client.converge(target, desired, ctx);
    expect(second).toMatchObject({ verified: true, failedAgents: [] });
    expect(second.current).toEqual(desired);
    // A read that lists inactive members makes the second converge write nothing; one that does not cannot tell.
    if (listInactive) expect(second.writes).toBe(0);
    else expect(second.revealed).toEqual(['user-1', 'user-2']);
    expect(sorted(cxone.assignments())).toEqual(desired);
  });

  it('an inactive agent no longer desired is removed', async () => {
    const cxone = new FakeCxone([a('user-1', false, 3), a('user-2')]);
    cxone.listInactive = listInactive;
    const { client, ctx } = setup(cxone);
    const result = await client.converge(target, [a('user-2')], ctx, managed('user-1'));
    expect(result).toMatchObject({ released: ['user-1'], verified: true });
    expect(cxone.assignments()).toEqual([a('user-2')]);
  });
});

describe('agent directory', () => {
  it('pages to totalRecords with no page cap: the 10,050th agent is found', async () => {
    const cxone = new FakeCxone([], 10_050);
    const { client, ctx, calls } = setup(cxone);
    const result = await client.converge(target, [a('user-10050')], ctx);
    expect(result).toMatchObject({ added: ['user-10050'], verified: true });
    const listings = calls.filter(
      (call) => call.url.pathname.endsWith('/agents') && !call.url.pathname.includes('skills'),
    );
    expect(listings).toHaveLength(101);
  });

  it('stops listing when a page brings nothing new (a server that ignores skip)', async () => {
    const cxone = new FakeCxone();
    const clock = fakeClock();
    const { fetch, calls } = scriptedFetch((request) => {
      if (request.url.pathname.endsWith('/v30.0/agents')) {
        const agents = Array.from({ length: 100 }, (_, i) => ({ agentId: 5000 + i, userId: `other-${i}` }));
        return json(200, { totalRecords: 1_000_000, agents });
      }
      return cxone.handler(request);
    }, clock.now);
    const client = createCxoneClient({
      credentials: staticCredentials(CREDENTIALS),
      fetch,
      now: clock.now,
      sleep: clock.sleep,
      rateLimitPerSecond: 1000,
    });
    const result = await client.converge(target, [a('user-1')], {
      correlationId: 'c',
      deadline: clock.now() + 60_000,
    });
    expect(result.failedAgents).toEqual([
      { userId: 'user-1', reason: expect.stringContaining('unknown_user') },
    ]);
    expect(calls.filter((call) => call.url.pathname.endsWith('/v30.0/agents'))).toHaveLength(2);
  });
});

describe('client authentication', () => {
  const special = { ...CREDENTIALS, clientId: 'id+/=:%', clientSecret: 's:e+c/r=e%t' };

  it('client_secret_basic (the default): base64 of the raw clientId:clientSecret', async () => {
    const cxone = new FakeCxone();
    const { client, ctx, calls } = setup(cxone, special);
    await client.converge(target, [], ctx).catch(() => undefined);
    const token = calls.find((call) => call.url.pathname === '/auth/token');
    expect(token?.headers.get('authorization')).toBe(
      `Basic ${Buffer.from('id+/=:%:s:e+c/r=e%t').toString('base64')}`,
    );
    expect(new URLSearchParams(token?.body).has('client_id')).toBe(false);
  });

  it('client_secret_post: the pair in the form body, no Authorization header', async () => {
    const cxone = new FakeCxone();
    const { client, ctx, calls } = setup(cxone, { ...CREDENTIALS, clientAuthMethod: 'client_secret_post' });
    await expect(client.converge(target, [a('user-1')], ctx)).resolves.toMatchObject({ verified: true });
    const token = calls.find((call) => call.url.pathname === '/auth/token');
    expect(token?.headers.get('authorization')).toBeNull();
    const form = new URLSearchParams(token?.body);
    expect(form.get('client_id')).toBe(CREDENTIALS.clientId);
    expect(form.get('client_secret')).toBe(CREDENTIALS.clientSecret);
    expect(form.get('grant_type')).toBe('password');
  });
});

describe('id_token', () => {
  it('reads tenantId from an RS256 id_token without verifying the signature', async () => {
    const cxone = new FakeCxone();
    const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
    const rs256 = `${encode({ alg: 'RS256', kid: 'k1', typ: 'JWT' })}.${encode({ tenantId: TENANT_ID, iss: ISSUER })}.c2lnbmF0dXJl`;
    const clock = fakeClock();
    const { fetch, calls } = scriptedFetch(async (request) => {
      const response = await cxone.handler(request);
      if (request.url.pathname !== '/auth/token') return response;
      return json(200, { ...((await response.json()) as object), id_token: rs256 });
    }, clock.now);
    const client = createCxoneClient({
      credentials: staticCredentials(CREDENTIALS),
      fetch,
      now: clock.now,
      sleep: clock.sleep,
      rateLimitPerSecond: 1000,
    });
    await client.converge(target, [], { correlationId: 'c', deadline: clock.now() + 60_000 });
    expect(calls.map((call) => call.url.search)).toContain(`?tenantId=${TENANT_ID}`);
  });
});
