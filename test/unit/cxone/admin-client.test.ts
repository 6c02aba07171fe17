import { describe, expect, it, vi } from 'vitest';
import {
  createCxoneClient,
  DEFAULT_BACKOFF,
  DEFAULT_MAX_RETRY_AFTER_MS,
  type RetryEvent,
} from '../../../lib/cxone/client.ts';
import {
  type CredentialsProvider,
  type CxoneCredentials,
  staticCredentials,
} from '../../../lib/cxone/credentials.ts';
import { CxoneAuthError, CxonePermanentError, CxoneUnsupportedError } from '../../../lib/cxone/errors.ts';
import type { CallContext, CxoneAssignmentClient } from '../../../lib/cxone/types.ts';
import type { SkillAssignment } from '../../../lib/domain/types.ts';
import { API, CREDENTIALS, FakeCxone, ISSUER } from './fake-cxone.ts';
import { fakeClock, json, scriptedFetch } from './fakes.ts';

const target = { campaignId: 'campaign-1', skillId: 42 };

function setup(
  cxone: FakeCxone,
  credentials: CredentialsProvider = staticCredentials(CREDENTIALS),
  rateLimitPerSecond = 1000,
) {
  const clock = fakeClock();
  const { fetch, calls } = scriptedFetch(cxone.handler, clock.now);
  const client = createCxoneClient({
    target: 'admin',
    credentials,
    fetch,
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0.5,
    rateLimitPerSecond,
  });
  const ctx = { correlationId: 'assignment-7', deadline: clock.now() + 60_000 };
  const paths = () =>
    calls.map((call) => `${call.method} ${call.url.href.replace(API, '').replace(ISSUER, '')}`);
  return { client, calls, clock, ctx, paths };
}

/** Reads the skill, empty in these tests: converging it to the empty state makes one read and no write. */
async function readSkill(client: CxoneAssignmentClient, ctx: CallContext): Promise<SkillAssignment[]> {
  return (await client.converge(target, [], ctx)).current;
}

const a = (userId: string, isActive = true, proficiency = 1): SkillAssignment => ({
  userId,
  isActive,
  proficiency,
});

describe('admin target converge', () => {
  it('discovers, signs in with the access key, and assigns a campaign from empty', async () => {
    const cxone = new FakeCxone();
    const { client, calls, ctx, paths } = setup(cxone);
    const desired = [a('user-1'), a('user-2', false, 3)];

    const result = await client.converge(target, desired, ctx);

    expect(cxone.assignments()).toEqual(desired);
    expect(result).toMatchObject({
      added: ['user-1', 'user-2'],
      updated: [],
      removed: [],
      failedAgents: [],
      verified: true,
      writes: 1,
      reads: 2,
      confirmedBy: 'write_results',
    });
    expect(result.current).toEqual(desired);
    // Every agent of the POST answered success: CXone's answers confirm it, no verifying read.
    expect(paths()).toEqual([
      'GET /.well-known/openid-configuration',
      'POST /auth/token',
      'GET /.well-known/cxone-configuration?tenantId=tenant-1',
      'GET /inContactAPI/services/v30.0/skills/42/agents?skip=0&top=100',
      'GET /inContactAPI/services/v30.0/agents?skip=0&top=100',
      'POST /inContactAPI/services/v30.0/skills/42/agents',
    ]);
    const token = calls[1];
    expect(new URLSearchParams(token?.body)).toEqual(
      new URLSearchParams({ grant_type: 'password', username: 'key-id', password: 'key-secret' }),
    );
    expect(token?.headers.get('authorization')).toMatch(/^Basic /);
    expect(JSON.parse(calls[5]?.body ?? '')).toEqual({
      agents: [
        { agentId: 1001, isActive: true, proficiency: 1 },
        { agentId: 1002, isActive: false, proficiency: 3 },
      ],
    });
    for (const call of calls.slice(3)) expect(call.headers.get('correlationid')).toBe('assignment-7');
  });

  it('makes zero writes when CXone already matches', async () => {
    const desired = [a('user-1'), a('user-2', false, 2)];
    const cxone = new FakeCxone(desired);
    const { client, ctx, calls } = setup(cxone);
    const result = await client.converge(target, desired, ctx);
    expect(result).toMatchObject({
      writes: 0,
      reads: 1,
      verified: true,
      added: [],
      updated: [],
      removed: [],
    });
    expect(calls.filter((call) => call.method !== 'GET' && !call.url.pathname.includes('token'))).toEqual([]);
  });

  it('removes, updates and adds with one request each, removals first', async () => {
    const cxone = new FakeCxone([a('user-1'), a('user-2'), a('user-3')]);
    const { client, ctx, paths } = setup(cxone);
    const desired = [a('user-2', false, 4), a('user-3'), a('user-4')];
    const earlier = ['user-1', 'user-2', 'user-3'];
    const result = await client.converge(target, desired, ctx, { mode: 'managed', managed: earlier });
    expect(result).toMatchObject({ added: ['user-4'], updated: ['user-2'], removed: ['user-1'], writes: 3 });
    expect(result.released).toEqual(['user-1']);
    expect(result.before).toEqual([a('user-1'), a('user-2'), a('user-3')]);
    expect(cxone.assignments().sort((x, y) => x.userId.localeCompare(y.userId))).toEqual(desired);
    expect(paths().filter((path) => !path.startsWith('GET') && !path.includes('token'))).toEqual([
      'DELETE /inContactAPI/services/v30.0/skills/42/agents',
      'PUT /inContactAPI/services/v30.0/skills/42/agents',
      'POST /inContactAPI/services/v30.0/skills/42/agents',
    ]);
  });

  it('reports a userId with no CXone agent per agent and applies the others', async () => {
    const cxone = new FakeCxone();
    const { client, ctx } = setup(cxone);
    const result = await client.converge(target, [a('user-1'), a('ghost-99')], ctx);
    expect(result.added).toEqual(['user-1']);
    expect(result.verified).toBe(false);
    expect(result.failedAgents).toEqual([
      { userId: 'ghost-99', reason: expect.stringContaining('unknown_user') },
    ]);
    expect(cxone.assignments()).toEqual([a('user-1')]);
  });

  it('surfaces resultSet.agentResults refusals per agent, by userId', async () => {
    const cxone = new FakeCxone();
    cxone.refusedAgents.set(1002, 'Agent 1002 is locked');
    const { client, ctx } = setup(cxone);
    const result = await client.converge(target, [a('user-1'), a('user-2'), a('user-3')], ctx);
    expect(result.added).toEqual(['user-1', 'user-3']);
    expect(result.failedAgents).toEqual([{ userId: 'user-2', reason: 'Agent 1002 is locked' }]);
    expect(result.verified).toBe(false);
  });

  it('looks agents up once and reuses the directory for later converges', async () => {
    const cxone = new FakeCxone();
    const { client, ctx, paths } = setup(cxone);
    await client.converge(target, [a('user-1')], ctx);
    await client.converge(target, [a('user-1'), a('user-5')], ctx);
    expect(
      paths().filter((path) => path.includes('/agents?skip=0&top=100') && !path.includes('skills')),
    ).toHaveLength(1);
    expect(cxone.assignments().map((x) => x.userId)).toEqual(['user-1', 'user-5']);
  });

  it('reads every page even when CXone serves smaller pages than asked', async () => {
    const onSkill = Array.from({ length: 120 }, (_, i) => a(`user-${i + 1}`));
    const cxone = new FakeCxone(onSkill, 130);
    cxone.pageCap = 50;
    const { client, ctx, paths } = setup(cxone);
    const desired = [...onSkill, a('user-125')];
    const result = await client.converge(target, desired, ctx);
    expect(result).toMatchObject({ added: ['user-125'], writes: 1, verified: true, failedAgents: [] });
    expect(result.before).toHaveLength(120);
    expect(result.current).toHaveLength(121);
    expect(
      paths().filter((path) => path.startsWith('GET /inContactAPI/services/v30.0/skills/42/agents')),
    ).toEqual([
      'GET /inContactAPI/services/v30.0/skills/42/agents?skip=0&top=100',
      'GET /inContactAPI/services/v30.0/skills/42/agents?skip=50&top=100',
      'GET /inContactAPI/services/v30.0/skills/42/agents?skip=100&top=100',
    ]);
  });

  it('never retries a 403 and says why', async () => {
    const cxone = new FakeCxone();
    cxone.writeStatus = 403;
    const { client, ctx, calls } = setup(cxone);
    const error = await client.converge(target, [a('user-1')], ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CxonePermanentError);
    expect(error).toMatchObject({ status: 403 });
    expect((error as Error).message).toContain('Role lacks permission');
    expect(calls.filter((call) => call.method === 'POST' && call.url.href.startsWith(API))).toHaveLength(1);
  });
});

describe('admin target skill lookup', () => {
  it('reads GET /skills/{skillId} as NICE defines it', async () => {
    const { client, ctx, paths } = setup(new FakeCxone());
    await expect(client.getSkill(42, ctx)).resolves.toEqual({
      skillId: 42,
      skillName: 'Outbound PC',
      isOutbound: true,
      outboundStrategy: 'Personal Connection',
      isActive: true,
    });
    expect(paths().at(-1)).toBe('GET /inContactAPI/services/v30.0/skills/42');
  });

  it('reads the older shape that wraps the skill in skills[], and a missing isOutbound as inbound', async () => {
    const cxone = new FakeCxone();
    cxone.skillDetails = { skills: [{ skillId: 42, skillName: 'Inbound', outboundStrategy: '' }] };
    const { client, ctx } = setup(cxone);
    await expect(client.getSkill(42, ctx)).resolves.toEqual({
      skillId: 42,
      skillName: 'Inbound',
      isOutbound: false,
      outboundStrategy: '',
    });
  });

  it('answers undefined for a skill CXone does not know (404) and refuses an answer that is no skill', async () => {
    const cxone = new FakeCxone();
    const { client, ctx } = setup(cxone);
    await expect(client.getSkill(999, ctx)).resolves.toBeUndefined();
    cxone.skillDetails = { businessUnitId: 1 };
    await expect(client.getSkill(42, ctx)).rejects.toBeInstanceOf(CxonePermanentError);
  });

  it('is not supported by the campaign-agents target, which says so', async () => {
    const client = createCxoneClient({
      target: 'campaign-agents',
      credentials: staticCredentials(CREDENTIALS),
      fetch: async () => new Response(),
    });
    const error = await client
      .getSkill(42, { correlationId: 'c', deadline: Date.now() + 1000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CxoneUnsupportedError);
    expect((error as Error).message).toContain('campaign-agents target has no skill lookup');
  });
});

describe('admin target tokens and credentials', () => {
  it('retries once with a new token after a 401', async () => {
    const cxone = new FakeCxone();
    const { client, ctx } = setup(cxone);
    await readSkill(client, ctx);
    cxone.unauthorizedApiCalls = 1;
    await expect(readSkill(client, ctx)).resolves.toEqual([]);
    expect(cxone.tokensIssued).toBe(2);
  });

  it('gives up with CxoneAuthError when a fresh token is refused too, after re-reading the secret once', async () => {
    const cxone = new FakeCxone();
    const refresh = vi.fn(async () => CREDENTIALS);
    const { client, ctx } = setup(cxone, { get: async () => CREDENTIALS, refresh });
    cxone.unauthorizedApiCalls = 100;
    await expect(readSkill(client, ctx)).rejects.toBeInstanceOf(CxoneAuthError);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(cxone.tokensIssued).toBe(2);
  });

  it('re-reads a rotated secret once when the token endpoint refuses the cached one', async () => {
    const cxone = new FakeCxone();
    cxone.accessKeySecret = 'rotated-secret';
    let current: CxoneCredentials = CREDENTIALS;
    const refresh = vi.fn(async () => {
      current = { ...CREDENTIALS, accessKeySecret: 'rotated-secret' };
      return current;
    });
    const { client, ctx } = setup(cxone, { get: async () => current, refresh });
    await expect(client.converge(target, [a('user-1')], ctx)).resolves.toMatchObject({ verified: true });
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it('does not leak the credentials into the error when the token endpoint refuses them', async () => {
    const cxone = new FakeCxone();
    cxone.accessKeySecret = 'something-else';
    const { client, ctx } = setup(cxone);
    const error = await readSkill(client, ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CxoneAuthError);
    expect(String((error as Error).message)).not.toContain('key-secret');
    expect(String((error as Error).message)).not.toContain('client-secret');
  });

  it('uses the tenantId of the secret, and an explicit apiEndpoint instead of discovery', async () => {
    const cxone = new FakeCxone();
    cxone.idTokenClaims = {};
    const viaTenant = setup(cxone, staticCredentials({ ...CREDENTIALS, tenantId: 'tenant-1' }));
    await readSkill(viaTenant.client, viaTenant.ctx);
    expect(viaTenant.paths()).toContain('GET /.well-known/cxone-configuration?tenantId=tenant-1');

    const viaEndpoint = setup(cxone, staticCredentials({ ...CREDENTIALS, apiEndpoint: API }));
    await readSkill(viaEndpoint.client, viaEndpoint.ctx);
    expect(viaEndpoint.paths().some((path) => path.includes('cxone-configuration'))).toBe(false);
  });

  it('fails clearly when neither the secret nor the id_token names the tenant', async () => {
    const cxone = new FakeCxone();
    cxone.idTokenClaims = {};
    const { client, ctx } = setup(cxone);
    await expect(readSkill(client, ctx)).rejects.toThrow(/tenantId/);
  });

  it('puts token and discovery calls under the same per-tenant rate limit as API calls', async () => {
    const cxone = new FakeCxone();
    const { client, ctx, calls } = setup(cxone, staticCredentials(CREDENTIALS), 4);
    await client.converge(target, [a('user-1')], ctx);
    const gaps = calls.slice(1).map((call, index) => call.at - (calls[index]?.at ?? 0));
    expect(calls.length).toBe(6);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(250);
  });
});

describe('createCxoneClient', () => {
  it('backs off from 500 ms to 10 s and caps a Retry-After at 60 s by default', async () => {
    expect(DEFAULT_BACKOFF).toEqual({ baseMs: 500, capMs: 10_000 });
    expect(DEFAULT_MAX_RETRY_AFTER_MS).toBe(60_000);
    const cxone = new FakeCxone();
    let throttled = false;
    const clock = fakeClock();
    const { fetch } = scriptedFetch((request) => {
      if (request.url.href.startsWith(API) && !throttled) {
        throttled = true;
        return json(429, {}, { 'Retry-After': '3600' });
      }
      return cxone.handler(request);
    }, clock.now);
    const retries: RetryEvent[] = [];
    const client = createCxoneClient({
      credentials: staticCredentials(CREDENTIALS),
      fetch,
      now: clock.now,
      sleep: clock.sleep,
      rateLimitPerSecond: 1000,
      onRetry: (event) => retries.push(event),
    });
    await client.converge(target, [], { correlationId: 'c', deadline: clock.now() + 120_000 });
    expect(retries.map(({ status, delayMs, retryAfter }) => ({ status, delayMs, retryAfter }))).toEqual([
      { status: 429, delayMs: DEFAULT_MAX_RETRY_AFTER_MS, retryAfter: true },
    ]);
  });

  it('refuses an apiVersion that is not v{N}.{M}', () => {
    expect(() =>
      createCxoneClient({ credentials: staticCredentials(CREDENTIALS), apiVersion: '30' }),
    ).toThrow(RangeError);
  });

  it('refuses admin credentials without an access key, naming the field only', async () => {
    const { accessKeySecret: _omitted, ...partial } = CREDENTIALS;
    const client = createCxoneClient({
      credentials: staticCredentials(partial),
      fetch: async () => new Response(),
    });
    const error = await readSkill(client, { correlationId: 'c', deadline: Date.now() + 1000 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CxoneAuthError);
    expect((error as Error).message).toContain('accessKeySecret');
    expect((error as Error).message).not.toContain('client-secret');
  });
});
