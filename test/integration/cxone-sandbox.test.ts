import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type CxoneSandbox,
  type RequestLogEntry,
  SANDBOX_CREDENTIALS,
  SANDBOX_TENANT_ID,
  startCxoneSandbox,
} from '../../infra/local/cxone-sandbox/server.ts';
import {
  ADMIN,
  type AgentsBody,
  adminToken,
  basic,
  CAMPAIGN_ID,
  call,
  campaignToken,
  decodeJwtPayload,
  type ResultSetBody,
  SEEDED_SKILL_IDS,
  SKILL_ID,
  type SkillAgentsBody,
  type StateBody,
  setFaults,
  skillMembers,
  type TokenBody,
} from './cxone-sandbox-http.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface CampaignAgentsBody {
  campaignId: string;
  agents: Array<{ userId: string; isActive: boolean; proficiency: number }>;
}

// A frozen, hand-advanced clock makes token expiry and the rate-limit bucket exact.
const clock = { ms: Date.parse('2025-03-10T15:00:00Z') };
let sandbox: CxoneSandbox;
let base: string;
let token: string;

beforeAll(async () => {
  sandbox = await startCxoneSandbox({ port: 0, seed: 7, now: () => clock.ms });
  base = sandbox.url;
  token = (await adminToken(base)).access_token;
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => {
  sandbox.reset();
});

describe('CXone sandbox, real CXone Admin target', () => {
  it('walks discovery → token → lookup → assign → update → delete, and /sandbox/state follows', async () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const openid = await call<{ issuer: string; token_endpoint: string }>(
      base,
      '/.well-known/openid-configuration',
    );
    expect(openid.status).toBe(200);
    expect(openid.body.issuer).toBe(base);
    expect(openid.body.token_endpoint).toBe(`${base}/auth/token`);

    const tokenReply = await adminToken(base);
    expect(tokenReply.token_type).toBe('Bearer');
    expect(tokenReply.expires_in).toBe(3600);
    expect(tokenReply.refresh_token).toEqual(expect.any(String));
    expect(tokenReply.id_token.split('.')).toHaveLength(3);
    const claims = decodeJwtPayload(tokenReply.id_token);
    expect(claims.tenantId).toBe(SANDBOX_TENANT_ID);
    expect(claims.iss).toBe(base);

    const cxoneConfig = await call<{ api_endpoint: string; tenantId: string }>(
      base,
      `/.well-known/cxone-configuration?tenantId=${claims.tenantId}`,
    );
    expect(cxoneConfig.status).toBe(200);
    expect(cxoneConfig.body.api_endpoint).toBe(base);
    const api = `${cxoneConfig.body.api_endpoint}${ADMIN}`;
    const bearer = tokenReply.access_token;

    const lookup = await call<AgentsBody>(api, '/agents?searchString=agent-uuid-042', { token: bearer });
    expect(lookup.status).toBe(200);
    expect(lookup.body.agents).toEqual([
      expect.objectContaining({ agentId: 100042, userId: 'agent-uuid-042' }),
    ]);

    const empty = await call(api, `/skills/${SKILL_ID}/agents`, { token: bearer });
    expect(empty.status).toBe(204);
    expect(empty.text).toBe('');

    const assigned = await call<ResultSetBody>(api, `/skills/${SKILL_ID}/agents`, {
      method: 'POST',
      token: bearer,
      json: {
        agents: [
          { agentId: 100042, isActive: true, proficiency: 2 },
          { agentId: 100043, isActive: true, proficiency: 1 },
        ],
      },
    });
    expect(assigned.status).toBe(200);
    expect(assigned.body.resultSet.errorCount).toBe(0);
    expect(await skillMembers(base)).toEqual([
      { agentId: 100042, userId: 'agent-uuid-042', isActive: true, proficiency: 2 },
      { agentId: 100043, userId: 'agent-uuid-043', isActive: true, proficiency: 1 },
    ]);

    const updated = await call<ResultSetBody>(api, `/skills/${SKILL_ID}/agents`, {
      method: 'PUT',
      token: bearer,
      json: { agents: [{ agentId: 100043, isActive: false, proficiency: 4 }] },
    });
    expect(updated.body.resultSet).toEqual({
      errorCount: 0,
      agentResults: [{ success: true, agentId: 100043 }],
    });

    const read = await call<SkillAgentsBody>(api, `/skills/${SKILL_ID}/agents`, { token: bearer });
    expect(read.body.totalRecords).toBe(2);
    expect(read.body.agentSkillAssignments[1]).toMatchObject({
      agentId: 100043,
      userId: 'agent-uuid-043',
      skillId: SKILL_ID,
      agentProficiencyValue: 4,
      isActive: false,
      isOutbound: true,
      outboundStrategy: 'Personal Connection',
      campaignId: expect.any(Number),
    });

    const removedByBody = await call<ResultSetBody>(api, `/skills/${SKILL_ID}/agents`, {
      method: 'DELETE',
      token: bearer,
      json: { agents: [{ agentId: 100042 }] },
    });
    expect(removedByBody.body.resultSet.errorCount).toBe(0);
    const removedByPath = await call(api, `/skills/${SKILL_ID}/agents/100043`, {
      method: 'DELETE',
      token: bearer,
    });
    expect(removedByPath.status).toBe(200);
    expect(removedByPath.text).toBe('');
    expect(await skillMembers(base)).toEqual([]);
  });

  it('answers 404 for an unknown tenant in discovery', async () => {
    const reply = await call(
      base,
      '/.well-known/cxone-configuration?tenantId=00000000-0000-0000-0000-000000000000',
    );
    expect(reply.status).toBe(404);
    expect(reply.body.error).toBe('not_found');
  });

  it('pages the agent list with skip/top, top capped at 100', async () => {
    const all = await call<AgentsBody>(base, `${ADMIN}/agents?top=500`, { token });
    expect(all.body.totalRecords).toBe(200);
    expect(all.body.agents).toHaveLength(100);
    const tail = await call<AgentsBody>(base, `${ADMIN}/agents?skip=150&top=100`, { token });
    expect(tail.body.agents.map((agent) => agent.userId)).toEqual(
      Array.from({ length: 50 }, (_, i) => `agent-uuid-${String(151 + i).padStart(3, '0')}`),
    );
  });

  it('reports per-agent refusals in resultSet and leaves those agents unchanged', async () => {
    const path = `${ADMIN}/skills/${SKILL_ID}/agents`;
    await call(base, path, {
      method: 'POST',
      token,
      json: { agents: [{ agentId: 100001, proficiency: 3 }] },
    });

    const post = await call<ResultSetBody>(base, path, {
      method: 'POST',
      token,
      json: {
        agents: [
          { agentId: 100001, proficiency: 1 },
          { agentId: 999999 },
          { agentId: 100002, proficiency: 0 },
          { agentId: 100003, proficiency: 5, isActive: false },
        ],
      },
    });
    expect(post.status).toBe(200);
    expect(post.body.resultSet.errorCount).toBe(3);
    expect(post.body.resultSet.agentResults).toEqual([
      { success: false, error: expect.stringMatching(/already assigned/) },
      { success: false, error: expect.stringMatching(/does not exist/) },
      { success: false, error: expect.stringMatching(/proficiency/) },
      { success: true, agentId: 100003 },
    ]);

    const put = await call<ResultSetBody>(base, path, {
      method: 'PUT',
      token,
      json: {
        agents: [
          { agentId: 100004, isActive: true },
          { agentId: 100001, proficiency: 21 },
        ],
      },
    });
    expect(put.body.resultSet.errorCount).toBe(2);
    const del = await call<ResultSetBody>(base, path, {
      method: 'DELETE',
      token,
      json: { agents: [{ agentId: 100005 }] },
    });
    expect(del.body.resultSet.agentResults).toEqual([
      { success: false, error: expect.stringMatching(/not assigned/) },
    ]);

    expect(await skillMembers(base)).toEqual([
      { agentId: 100001, userId: 'agent-uuid-001', isActive: true, proficiency: 3 },
      { agentId: 100003, userId: 'agent-uuid-003', isActive: false, proficiency: 5 },
    ]);
    const cleared = await call<StateBody>(base, '/sandbox/state', { method: 'DELETE' });
    expect(cleared.body).toEqual({
      skills: Object.fromEntries(SEEDED_SKILL_IDS.map((id) => [String(id), []])),
    });
    expect(await skillMembers(base)).toEqual([]);
  });

  it('fails every agent at agentErrorRate 1 without touching the state', async () => {
    await setFaults(base, { agentErrorRate: 1 });
    const reply = await call<ResultSetBody>(base, `${ADMIN}/skills/${SKILL_ID}/agents`, {
      method: 'POST',
      token,
      json: { agents: [{ agentId: 100010 }, { agentId: 100011 }] },
    });
    expect(reply.status).toBe(200);
    expect(reply.body.resultSet.errorCount).toBe(2);
    expect(await skillMembers(base)).toEqual([]);
  });

  it('draws the same injected agent errors for the same seed', async () => {
    const outcomes: boolean[][] = [];
    for (let run = 0; run < 2; run++) {
      const seeded = await startCxoneSandbox({ seed: 42 });
      try {
        const bearer = (await adminToken(seeded.url)).access_token;
        await setFaults(seeded.url, { agentErrorRate: 0.5 });
        const reply = await call<ResultSetBody>(seeded.url, `${ADMIN}/skills/${SKILL_ID}/agents`, {
          method: 'POST',
          token: bearer,
          json: { agents: Array.from({ length: 30 }, (_, i) => ({ agentId: 100001 + i })) },
        });
        outcomes.push(reply.body.resultSet.agentResults.map((result) => result.success));
      } finally {
        await seeded.close();
      }
    }
    expect(outcomes[0]).toEqual(outcomes[1]);
    expect(outcomes[0]).toContain(true);
    expect(outcomes[0]).toContain(false);
  });

  it('answers 404 for an unknown skill, 400 for a malformed body, 406 for a non-JSON Accept', async () => {
    const unknownSkill = await call(base, `${ADMIN}/skills/1/agents`, { token });
    expect(unknownSkill.status).toBe(404);
    expect(unknownSkill.body).toEqual({ error: 'not_found', error_description: expect.any(String) });

    const malformed = await call(base, `${ADMIN}/skills/${SKILL_ID}/agents`, {
      method: 'POST',
      token,
      json: { agents: [{ userId: 'agent-uuid-001' }] },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toBe('invalid_request');

    const html = await call(base, `${ADMIN}/skills/${SKILL_ID}/agents`, {
      token,
      headers: { accept: 'text/html' },
    });
    expect(html.status).toBe(406);
  });

  it('answers an unknown route with a CXone-shaped 404 and a wrong method with 405', async () => {
    const unknown = await call(base, '/no/such/route');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: 'not_found', error_description: expect.any(String) });
    const wrongMethod = await call(base, '/auth/token');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
  });
});

describe('CXone sandbox tokens', () => {
  it('refuses a missing, unknown, revoked or expired bearer token with 401 invalid_token', async () => {
    const path = `${ADMIN}/skills/${SKILL_ID}/agents`;
    expect((await call(base, path)).status).toBe(401);
    const unknown = await call(base, path, { token: 'not-a-token' });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error).toBe('invalid_token');

    const own = (await adminToken(base)).access_token;
    // An empty skill lists nothing: 204 No Content.
    expect((await call(base, path, { token: own })).status).toBe(204);
    await setFaults(base, { revokeTokensNow: true });
    const revoked = await call(base, path, { token: own });
    expect(revoked.status).toBe(401);
    expect(revoked.body.error).toBe('invalid_token');
    token = (await adminToken(base)).access_token;
    expect((await call(base, path, { token })).status).toBe(204);

    await setFaults(base, { tokenTtlSeconds: 60 });
    const shortLived = await adminToken(base);
    expect(shortLived.expires_in).toBe(60);
    clock.ms += 59_000;
    expect((await call(base, path, { token: shortLived.access_token })).status).toBe(204);
    clock.ms += 2_000;
    const expired = await call(base, path, { token: shortLived.access_token });
    expect(expired.status).toBe(401);
    expect(expired.body.error).toBe('invalid_token');
  });

  it('issues a new access token for a refresh token, once', async () => {
    const first = await adminToken(base);
    const refresh = () =>
      call<TokenBody>(base, '/auth/token', {
        method: 'POST',
        headers: { authorization: basic(SANDBOX_CREDENTIALS.clientId, SANDBOX_CREDENTIALS.clientSecret) },
        form: { grant_type: 'refresh_token', refresh_token: first.refresh_token },
      });
    const refreshed = await refresh();
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.access_token).not.toBe(first.access_token);
    expect((await call(base, `${ADMIN}/agents?top=1`, { token: refreshed.body.access_token })).status).toBe(
      200,
    );
    expect((await refresh()).status).toBe(401);
  });

  it('refuses wrong client or access-key credentials', async () => {
    const form = {
      grant_type: 'password',
      username: SANDBOX_CREDENTIALS.accessKeyId,
      password: SANDBOX_CREDENTIALS.accessKeySecret,
    };
    const wrongClient = await call(base, '/auth/token', {
      method: 'POST',
      headers: { authorization: basic(SANDBOX_CREDENTIALS.clientId, 'wrong') },
      form,
    });
    expect(wrongClient.status).toBe(401);
    expect(wrongClient.body.error).toBe('invalid_client');
    const wrongKey = await call(base, '/auth/token', {
      method: 'POST',
      headers: { authorization: basic(SANDBOX_CREDENTIALS.clientId, SANDBOX_CREDENTIALS.clientSecret) },
      form: { ...form, password: 'wrong' },
    });
    expect(wrongKey.status).toBe(401);
    expect(wrongKey.body.error).toBe('invalid_grant');
  });
});

describe('CXone sandbox faults', () => {
  const path = `${ADMIN}/skills/${SKILL_ID}/agents`;

  it('answers 429 without Retry-After by default and with it when retryAfterSeconds is set', async () => {
    await setFaults(base, { rate429: 1 });
    const bare = await call(base, path, { token });
    expect(bare.status).toBe(429);
    expect(bare.headers.get('retry-after')).toBeNull();
    expect(bare.body.error).toEqual(expect.any(String));

    await setFaults(base, { retryAfterSeconds: 7 });
    const withHeader = await call(base, '/auth/token', { method: 'POST', form: {} });
    expect(withHeader.status).toBe(429);
    expect(withHeader.headers.get('retry-after')).toBe('7');

    // Discovery and the sandbox's own routes are never faulted.
    expect((await call(base, '/.well-known/openid-configuration')).status).toBe(200);
    expect((await call(base, '/sandbox/state')).status).toBe(200);

    await call(base, '/sandbox/faults', { method: 'DELETE' });
    expect((await call(base, path, { token })).status).toBe(204);
  });

  it('answers a server error at rate5xx 1', async () => {
    await setFaults(base, { rate5xx: 1 });
    const reply = await call(base, path, { token });
    expect([500, 502, 503, 504]).toContain(reply.status);
    expect(reply.body.error).toBe('server_error');
  });

  it('limits the request rate with a token bucket that includes token calls', async () => {
    await setFaults(base, { rateLimitPerSecond: 3 });
    const statuses: number[] = [await adminToken(base).then(() => 200)];
    for (let i = 0; i < 6; i++) statuses.push((await call(base, path, { token })).status);
    expect(statuses).toEqual([200, 204, 204, 429, 429, 429, 429]);

    clock.ms += 1000;
    const afterRefill: number[] = [];
    for (let i = 0; i < 4; i++) afterRefill.push((await call(base, path, { token })).status);
    expect(afterRefill).toEqual([204, 204, 204, 429]);

    const log = (await call<RequestLogEntry[]>(base, '/sandbox/requests')).body;
    expect(log.filter((entry) => entry.fault === 'rate_limit')).toHaveLength(5);
  });

  it('leaves a request unanswered at rateTimeout 1 and logs it with status 0 once the client gives up', async () => {
    await setFaults(base, { rateTimeout: 1 });
    await expect(
      fetch(`${base}${path}`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(300),
      }),
    ).rejects.toThrow();
    await vi.waitFor(
      async () => {
        const log = (await call<RequestLogEntry[]>(base, '/sandbox/requests')).body;
        expect(log).toEqual([expect.objectContaining({ path, status: 0, fault: 'timeout' })]);
      },
      { timeout: 5000, interval: 50 },
    );
  });

  it('delays answers by latencyMs', async () => {
    await setFaults(base, { latencyMs: 200 });
    const started = performance.now();
    const reply = await call(base, path, { token });
    expect(reply.status).toBe(204);
    expect(performance.now() - started).toBeGreaterThanOrEqual(195);
  });

  it('merges PUT /sandbox/faults, refuses invalid values and resets on DELETE', async () => {
    await setFaults(base, { rate429: 0.25 });
    await setFaults(base, { latencyMs: 5 });
    const merged = await call<Record<string, unknown>>(base, '/sandbox/faults');
    expect(merged.body).toMatchObject({ rate429: 0.25, latencyMs: 5, retryAfterSeconds: null });

    const outOfRange = await call(base, '/sandbox/faults', { method: 'PUT', json: { rate5xx: 2 } });
    expect(outOfRange.status).toBe(400);
    const typo = await call(base, '/sandbox/faults', { method: 'PUT', json: { rate_429: 1 } });
    expect(typo.status).toBe(400);

    const reset = await call<Record<string, unknown>>(base, '/sandbox/faults', { method: 'DELETE' });
    expect(reset.body).toMatchObject({ rate429: 0, latencyMs: 0, rateLimitPerSecond: null });
  });
});

describe('CXone sandbox request log', () => {
  it('records method, path, status and CorrelationId of every CXone call, echoing the CorrelationId', async () => {
    const path = `${ADMIN}/skills/${SKILL_ID}/agents`;
    const reply = await call(base, `${path}?top=5`, { token, headers: { CorrelationId: 'corr-123' } });
    expect(reply.headers.get('correlationid')).toBe('corr-123');
    await call(base, `${ADMIN}/skills/1/agents`, { token });
    await call(base, '/sandbox/state');

    const log = (await call<RequestLogEntry[]>(base, '/sandbox/requests')).body;
    expect(log).toEqual([
      expect.objectContaining({
        method: 'GET',
        path,
        query: 'top=5',
        status: 204,
        correlationId: 'corr-123',
      }),
      expect.objectContaining({
        method: 'GET',
        path: `${ADMIN}/skills/1/agents`,
        status: 404,
        correlationId: null,
      }),
    ]);
    expect(Date.parse(log[0]?.at ?? '')).toBe(clock.ms);

    expect((await call(base, '/sandbox/requests', { method: 'DELETE' })).status).toBe(204);
    expect((await call<RequestLogEntry[]>(base, '/sandbox/requests')).body).toEqual([]);
  });
});

describe('CXone sandbox, campaign-agents target (original spec, not a public CXone API)', () => {
  const campaignPath = `/api/v2/outbound/campaigns/${CAMPAIGN_ID}/agents`;

  it('issues client-credentials tokens with Basic auth or form credentials and refuses wrong ones', async () => {
    expect(await campaignToken(base)).toEqual(expect.any(String));
    const inForm = await call<TokenBody>(base, '/oauth2/token', {
      method: 'POST',
      form: {
        grant_type: 'client_credentials',
        client_id: SANDBOX_CREDENTIALS.clientId,
        client_secret: SANDBOX_CREDENTIALS.clientSecret,
      },
    });
    expect(inForm.status).toBe(200);
    expect(inForm.body).toEqual({ access_token: expect.any(String), expires_in: 3600, token_type: 'Bearer' });
    const wrong = await call(base, '/oauth2/token', {
      method: 'POST',
      form: { grant_type: 'client_credentials', client_id: 'local-client', client_secret: 'nope' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('invalid_client');
  });

  it('replaces the whole agent set atomically, visible through the Admin API too', async () => {
    const bearer = await campaignToken(base);
    const first = await call<Record<string, unknown>>(base, campaignPath, {
      method: 'PUT',
      token: bearer,
      json: {
        agents: [
          {
            userId: 'agent-uuid-001',
            isActive: true,
            proficiency: 1,
            skills: ['sales', 'preview-qualified'],
            availabilityWindow: { start: '09:00', end: '17:00', timezone: 'America/New_York' },
            maxConcurrentCalls: 1,
          },
          { userId: 'agent-uuid-002', isActive: false, proficiency: 3 },
        ],
      },
    });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      campaignId: CAMPAIGN_ID,
      agentsUpdated: 2,
      assignmentId: expect.any(String),
      timestamp: new Date(clock.ms).toISOString(),
    });

    const second = await call(base, campaignPath, {
      method: 'PUT',
      token: bearer,
      json: {
        agents: [
          { userId: 'agent-uuid-002', isActive: true, proficiency: 2 },
          { userId: 'agent-uuid-003', isActive: true, proficiency: 1 },
        ],
      },
    });
    expect(second.status).toBe(200);
    const read = await call<CampaignAgentsBody>(base, campaignPath, { token: bearer });
    expect(read.body).toEqual({
      campaignId: CAMPAIGN_ID,
      agents: [
        { userId: 'agent-uuid-002', isActive: true, proficiency: 2 },
        { userId: 'agent-uuid-003', isActive: true, proficiency: 1 },
      ],
    });
    const viaAdmin = await call<SkillAgentsBody>(base, `${ADMIN}/skills/${SKILL_ID}/agents`, {
      token: bearer,
    });
    expect(viaAdmin.body.agentSkillAssignments.map((a) => a.userId)).toEqual([
      'agent-uuid-002',
      'agent-uuid-003',
    ]);
  });

  it('refuses an invalid set as a whole with 400 and an unknown campaign with 404', async () => {
    const bearer = await campaignToken(base);
    const invalid = await call(base, campaignPath, {
      method: 'PUT',
      token: bearer,
      json: {
        agents: [
          { userId: 'agent-uuid-001', isActive: true, proficiency: 1 },
          { userId: 'nobody', isActive: true, proficiency: 1 },
          { userId: 'agent-uuid-002', isActive: true, proficiency: 9 },
        ],
      },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error_description).toMatch(/agents\[1\]\.userId/);
    expect(invalid.body.error_description).toMatch(/agents\[2\]\.proficiency/);
    expect(await skillMembers(base)).toEqual([]);

    const unknown = await call(
      base,
      '/api/v2/outbound/campaigns/00000000-0000-0000-0000-000000000000/agents',
      {
        token: bearer,
      },
    );
    expect(unknown.status).toBe(404);
    expect((await call(base, campaignPath)).status).toBe(401);
  });

  it('answers the rate409 fault with capacity_conflict and maxActiveAgents = ceil(active / 2)', async () => {
    const bearer = await campaignToken(base);
    await setFaults(base, { rate409: 1 });
    const agents = Array.from({ length: 5 }, (_, i) => ({
      userId: `agent-uuid-00${i + 1}`,
      isActive: true,
      proficiency: 1,
    }));
    const conflict = await call(base, campaignPath, { method: 'PUT', token: bearer, json: { agents } });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toEqual({
      error: 'capacity_conflict',
      error_description: expect.any(String),
      maxActiveAgents: 3,
    });
    expect(await skillMembers(base)).toEqual([]);
    const log = (await call<RequestLogEntry[]>(base, '/sandbox/requests')).body;
    expect(log.at(-1)).toMatchObject({ method: 'PUT', path: campaignPath, status: 409, fault: 'rate409' });
  });

  it('answers 409 with the configured capacityLimit when too many agents are active', async () => {
    const limited = await startCxoneSandbox({ capacityLimit: 2 });
    try {
      const bearer = await campaignToken(limited.url);
      const put = (activeCount: number) =>
        call(limited.url, campaignPath, {
          method: 'PUT',
          token: bearer,
          json: {
            agents: [1, 2, 3].map((n) => ({
              userId: `agent-uuid-00${n}`,
              isActive: n <= activeCount,
              proficiency: 1,
            })),
          },
        });
      const conflict = await put(3);
      expect(conflict.status).toBe(409);
      expect(conflict.body).toMatchObject({ error: 'capacity_conflict', maxActiveAgents: 2 });
      expect(await skillMembers(limited.url)).toEqual([]);

      expect((await put(2)).status).toBe(200);
      expect((await skillMembers(limited.url)).filter((member) => member.isActive)).toHaveLength(2);
    } finally {
      await limited.close();
    }
  });
});

describe('npm run sandbox:cxone (main.ts)', () => {
  it('prints its URL, serves, and exits cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, ['infra/local/cxone-sandbox/main.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, CXONE_SANDBOX_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /http:\/\/127\.0\.0\.1:\d+/.exec(output);
          if (match) resolve(match[0]);
        });
        child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
      });
      const discovery = await call<{ token_endpoint: string }>(url, '/.well-known/openid-configuration');
      expect(discovery.body.token_endpoint).toBe(`${url}/auth/token`);
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
