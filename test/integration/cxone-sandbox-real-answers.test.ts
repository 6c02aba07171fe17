// The CXone sandbox answers as NICE's Admin API and auth service do (NICE's OpenAPI, and what working clients
// observe), checked over real sockets with plain fetch.
import { createPublicKey, createVerify, type JsonWebKey } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type CxoneSandbox,
  type RequestLogEntry,
  SANDBOX_CREDENTIALS,
  type SandboxCredentials,
  startCxoneSandbox,
} from '../../infra/local/cxone-sandbox/server.ts';
import {
  ADMIN,
  type AgentsBody,
  type AuthErrorBody,
  accessKeyForm,
  adminToken,
  basic,
  CAMPAIGN_ID,
  call,
  campaignToken,
  type ErrorBody,
  type ResultSetBody,
  SEEDED_SKILL_IDS,
  SKILL_ID,
  type SkillAgentsBody,
  type StateBody,
  setFaults,
  skillMembers,
  type TokenBody,
} from './cxone-sandbox-http.ts';

let sandbox: CxoneSandbox;
let base: string;
let token: string;
const skillAgents = `${ADMIN}/skills/${SKILL_ID}/agents`;

beforeAll(async () => {
  sandbox = await startCxoneSandbox({ port: 0, seed: 11 });
  base = sandbox.url;
  token = (await adminToken(base)).access_token;
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => {
  sandbox.reset();
});

async function assign(agents: Array<{ agentId: number; isActive?: boolean; proficiency?: number }>) {
  const reply = await call<ResultSetBody>(base, skillAgents, { method: 'POST', token, json: { agents } });
  expect(reply.body.resultSet.errorCount).toBe(0);
}

async function requestLog(): Promise<RequestLogEntry[]> {
  return (await call<RequestLogEntry[]>(base, '/sandbox/requests')).body;
}

describe('Admin API 409 (rate409): "Invalid Permissions", a refusal that changes nothing', () => {
  it('answers every kind of write with 409 and leaves the skill as it was; reads are not affected', async () => {
    await assign([{ agentId: 100001, proficiency: 2 }]);
    await setFaults(base, { rate409: 1 });
    const writes = [
      { method: 'POST', path: skillAgents, json: { agents: [{ agentId: 100002 }] } },
      { method: 'PUT', path: skillAgents, json: { agents: [{ agentId: 100001, isActive: false }] } },
      { method: 'DELETE', path: skillAgents, json: { agents: [{ agentId: 100001 }] } },
      { method: 'DELETE', path: `${skillAgents}/100001` },
    ];
    for (const { path, ...init } of writes) {
      const reply = await call(base, path, { token, ...init });
      expect(reply.status).toBe(409);
      expect(reply.body.error_description).toBe('Invalid Permissions');
      expect(reply.headers.get('icStatusDescription')).toBe('Invalid Permissions');
    }
    expect(await skillMembers(base)).toEqual([
      { agentId: 100001, userId: 'agent-uuid-001', isActive: true, proficiency: 2 },
    ]);
    expect((await call(base, skillAgents, { token })).status).toBe(200);
    const faults = (await requestLog()).filter((entry) => entry.status === 409).map((entry) => entry.fault);
    expect(faults).toEqual(['rate409', 'rate409', 'rate409', 'rate409']);
  });

  it('keeps the capacity conflict for the campaign-agents target', async () => {
    await setFaults(base, { rate409: 1 });
    const reply = await call(base, `/api/v2/outbound/campaigns/${CAMPAIGN_ID}/agents`, {
      method: 'PUT',
      token: await campaignToken(base),
      json: { agents: [{ userId: 'agent-uuid-001' }, { userId: 'agent-uuid-002' }] },
    });
    expect(reply.status).toBe(409);
    expect(reply.body).toMatchObject({ error: 'capacity_conflict', maxActiveAgents: 1 });
    expect(reply.headers.get('icStatusDescription')).toBeNull();
  });
});

describe('204 No Content for an empty list', () => {
  it('answers an empty skill, an agent search without match and a page past the end with an empty 204', async () => {
    const replies = [
      await call(base, skillAgents, { token }),
      await call(base, `${ADMIN}/agents?searchString=nobody-has-this`, { token }),
      await call(base, `${ADMIN}/agents?skip=200&top=100`, { token }),
    ];
    for (const reply of replies) {
      expect(reply.status).toBe(204);
      expect(reply.text).toBe('');
      expect(reply.headers.get('content-type')).toBeNull();
    }
    await assign([{ agentId: 100007 }]);
    expect((await call(base, `${skillAgents}?skip=1`, { token })).status).toBe(204);
    expect((await call(base, skillAgents, { token })).status).toBe(200);
  });
});

describe('write results match the request by position', () => {
  it('gives agentId only on success and CXone-like reasons on failures, in request order', async () => {
    await assign([{ agentId: 100001 }]);
    const post = await call<ResultSetBody>(base, skillAgents, {
      method: 'POST',
      token,
      json: {
        agents: [
          { agentId: 100003, proficiency: 4 },
          { agentId: 100001 },
          { agentId: 777777 },
          { agentId: 100004, isActive: 'yes' },
          { agentId: 100005, proficiency: 21 },
          { agentId: 100002, isActive: false },
        ],
      },
    });
    expect(post.status).toBe(200);
    expect(post.body.resultSet).toEqual({
      errorCount: 4,
      agentResults: [
        { success: true, agentId: 100003 },
        { success: false, error: "'100001', agent is already assigned to skill" },
        { success: false, error: "Invalid agentId - '777777', does not exist" },
        { success: false, error: "Invalid isActive - 'yes', must be type Boolean" },
        { success: false, error: "Invalid proficiency - '21', must be an integer from 1 to 20" },
        { success: true, agentId: 100002 },
      ],
    });
    for (const result of post.body.resultSet.agentResults) {
      expect('agentId' in result).toBe(result.success);
      expect('error' in result).toBe(!result.success);
    }

    const del = await call<ResultSetBody>(base, skillAgents, {
      method: 'DELETE',
      token,
      json: { agents: [{ agentId: 100009 }, { agentId: 100003 }] },
    });
    expect(del.body.resultSet.agentResults).toEqual([
      { success: false, error: "'100009', agent is not assigned to skill" },
      { success: true, agentId: 100003 },
    ]);
    expect((await skillMembers(base)).map((member) => member.agentId)).toEqual([100001, 100002]);
  });

  it('refuses an empty or missing agent list as a whole with 400', async () => {
    for (const json of [{ agents: [] }, {}]) {
      const reply = await call(base, skillAgents, { method: 'PUT', token, json });
      expect(reply.status).toBe(400);
      expect(reply.body.error_description).toBe('Invalid agents - cannot be null or empty');
    }
  });
});

describe('single-agent DELETE /skills/{skillId}/agents/{agentId}', () => {
  it('answers a plain 200 with no body, and 404 "agent is not assigned to skill" afterwards', async () => {
    await assign([{ agentId: 100010 }]);
    const removed = await call(base, `${skillAgents}/100010`, { method: 'DELETE', token });
    expect(removed.status).toBe(200);
    expect(removed.text).toBe('');
    expect(await skillMembers(base)).toEqual([]);

    const again = await call(base, `${skillAgents}/100010`, { method: 'DELETE', token });
    expect(again.status).toBe(404);
    expect(again.body.error_description).toBe("'100010', agent is not assigned to skill");
    expect(again.headers.get('icStatusDescription')).toBe("'100010', agent is not assigned to skill");
    const notANumber = await call(base, `${skillAgents}/abc`, { method: 'DELETE', token });
    expect(notANumber.status).toBe(404);
    expect(notANumber.body.error_description).toBe("'abc', must be an integer");
  });
});

describe('hiddenAgents fault', () => {
  it('leaves the first n members out of the GET, counts them in hiddenAgents and still holds them', async () => {
    await assign([100001, 100002, 100003, 100004, 100005].map((agentId) => ({ agentId })));
    const open = await call<SkillAgentsBody>(base, skillAgents, { token });
    expect(open.body).toMatchObject({ totalRecords: 5, hiddenAgents: 0 });

    await setFaults(base, { hiddenAgents: 2 });
    const partial = await call<SkillAgentsBody>(base, skillAgents, { token });
    expect(partial.status).toBe(200);
    expect(partial.body.hiddenAgents).toBe(2);
    expect(partial.body.totalRecords).toBe(3);
    expect(partial.body.agentSkillAssignments.map((a) => a.agentId)).toEqual([100003, 100004, 100005]);
    expect(await skillMembers(base)).toHaveLength(5);

    // A hidden member is still on the skill: assigning it again is refused, updating it works.
    const post = await call<ResultSetBody>(base, skillAgents, {
      method: 'POST',
      token,
      json: { agents: [{ agentId: 100001 }] },
    });
    expect(post.body.resultSet.agentResults[0]).toMatchObject({ success: false });
    const put = await call<ResultSetBody>(base, skillAgents, {
      method: 'PUT',
      token,
      json: { agents: [{ agentId: 100002, proficiency: 3 }] },
    });
    expect(put.body.resultSet.agentResults[0]).toEqual({ success: true, agentId: 100002 });

    await setFaults(base, { hiddenAgents: 50 });
    const none = await call<SkillAgentsBody>(base, skillAgents, { token });
    expect(none.status).toBe(200);
    expect(none.body).toMatchObject({ totalRecords: 0, hiddenAgents: 5, agentSkillAssignments: [] });
  });
});

describe('listInactive fault', () => {
  it('lists inactive assignments by default and leaves them out when false', async () => {
    await assign([
      { agentId: 100001, isActive: true },
      { agentId: 100002, isActive: false },
      { agentId: 100003, isActive: true },
    ]);
    const all = await call<SkillAgentsBody>(base, skillAgents, { token });
    expect(all.body.agentSkillAssignments.map((a) => [a.agentId, a.isActive])).toEqual([
      [100001, true],
      [100002, false],
      [100003, true],
    ]);
    await setFaults(base, { listInactive: false });
    const activeOnly = await call<SkillAgentsBody>(base, skillAgents, { token });
    expect(activeOnly.body.totalRecords).toBe(2);
    expect(activeOnly.body.agentSkillAssignments.map((a) => a.agentId)).toEqual([100001, 100003]);
    expect(await skillMembers(base)).toHaveLength(3);

    await setFaults(base, { listInactive: true });
    expect((await call<SkillAgentsBody>(base, skillAgents, { token })).body.totalRecords).toBe(3);
  });

  it('lists the new faults with their defaults and refuses bad values', async () => {
    const faults = await call<Record<string, unknown>>(base, '/sandbox/faults');
    expect(faults.body).toMatchObject({ rate409: 0, hiddenAgents: 0, listInactive: true });
    for (const json of [{ hiddenAgents: -1 }, { hiddenAgents: 1.5 }, { listInactive: 'no' }]) {
      expect((await call(base, '/sandbox/faults', { method: 'PUT', json })).status).toBe(400);
    }
  });
});

describe('proficiency 1 … 20', () => {
  it('accepts 12 from a hand edit with any issued token and returns it on reads', async () => {
    const handEditToken = await campaignToken(base);
    const post = await call<ResultSetBody>(base, skillAgents, {
      method: 'POST',
      token: handEditToken,
      json: { agents: [{ agentId: 100012, isActive: true, proficiency: 12 }] },
    });
    expect(post.body.resultSet).toEqual({
      errorCount: 0,
      agentResults: [{ success: true, agentId: 100012 }],
    });
    const read = await call<SkillAgentsBody>(base, skillAgents, { token });
    expect(read.body.agentSkillAssignments[0]).toMatchObject({ agentId: 100012, agentProficiencyValue: 12 });
    expect(await skillMembers(base)).toEqual([
      { agentId: 100012, userId: 'agent-uuid-012', isActive: true, proficiency: 12 },
    ]);

    const edges = await call<ResultSetBody>(base, skillAgents, {
      method: 'PUT',
      token,
      json: {
        agents: [
          { agentId: 100012, proficiency: 20 },
          { agentId: 100012, proficiency: 0 },
          { agentId: 100012, proficiency: 1.5 },
        ],
      },
    });
    expect(edges.body.resultSet.agentResults.map((result) => result.success)).toEqual([true, false, false]);
    expect((await skillMembers(base))[0]?.proficiency).toBe(20);
  });
});

describe('error answers', () => {
  it("answers the auth service's errors as {error, errorDescription}", async () => {
    const wrongClient = await call<AuthErrorBody>(base, '/auth/token', {
      method: 'POST',
      headers: { authorization: basic(SANDBOX_CREDENTIALS.clientId, 'wrong') },
      form: accessKeyForm(),
    });
    const wrongKey = await call<AuthErrorBody>(base, '/auth/token', {
      method: 'POST',
      headers: { authorization: basic(SANDBOX_CREDENTIALS.clientId, SANDBOX_CREDENTIALS.clientSecret) },
      form: { ...accessKeyForm(), password: 'wrong' },
    });
    const wrongGrant = await call<AuthErrorBody>(base, '/auth/token', {
      method: 'POST',
      headers: { authorization: basic(SANDBOX_CREDENTIALS.clientId, SANDBOX_CREDENTIALS.clientSecret) },
      form: { grant_type: 'client_credentials' },
    });
    expect([wrongClient, wrongKey, wrongGrant].map((reply) => [reply.status, reply.body])).toEqual([
      [401, { error: 'invalid_client', errorDescription: expect.any(String) }],
      [401, { error: 'invalid_grant', errorDescription: expect.any(String) }],
      [400, { error: 'unsupported_grant_type', errorDescription: expect.any(String) }],
    ]);
  });

  it('repeats Admin API error descriptions in an icStatusDescription header, and only there', async () => {
    const unknownSkill = await call(base, `${ADMIN}/skills/1/agents`, { token });
    expect(unknownSkill.status).toBe(404);
    expect(unknownSkill.body).toEqual({
      error: 'not_found',
      error_description: "Invalid skillId - '1', does not exist",
    });
    expect(unknownSkill.headers.get('icStatusDescription')).toBe("Invalid skillId - '1', does not exist");
    const noToken = await call(base, skillAgents);
    expect(noToken.status).toBe(401);
    expect(noToken.headers.get('icStatusDescription')).toBe(noToken.body.error_description);

    const campaignTarget = await call(base, '/api/v2/outbound/campaigns/nope/agents', {
      token: await campaignToken(base),
    });
    expect(campaignTarget.status).toBe(404);
    expect(campaignTarget.headers.get('icStatusDescription')).toBeNull();
  });

  it('answers a restricted skill with 403 in NICE words', async () => {
    const restricted = await startCxoneSandbox({ forbiddenSkillIds: [4501235] });
    try {
      const bearer = (await adminToken(restricted.url)).access_token;
      const reply = await call(restricted.url, `${ADMIN}/skills/4501235/agents`, { token: bearer });
      expect(reply.status).toBe(403);
      expect(reply.body.error_description).toBe("Skill - '4501235' is restricted");
    } finally {
      await restricted.close();
    }
  });
});

describe('client authentication with secrets holding + / = : %', () => {
  const credentials: SandboxCredentials = {
    clientId: 'local+client%2F=id',
    clientSecret: 'se+cr/et=:with%20colon:and%',
    accessKeyId: 'key+id/=%',
    accessKeySecret: 'ke+y/sec=ret:%41',
  };
  let special: CxoneSandbox;

  beforeAll(async () => {
    special = await startCxoneSandbox({ credentials });
  });
  afterAll(async () => {
    await special.close();
  });

  function tokenRequest(init: { authorization?: string; form?: Record<string, string> }) {
    return call<TokenBody & AuthErrorBody>(special.url, '/auth/token', {
      method: 'POST',
      headers: init.authorization ? { authorization: init.authorization } : {},
      form: { ...accessKeyForm(credentials), ...init.form },
    });
  }

  it('accepts client_secret_basic: base64 of the raw clientId:clientSecret, split at the first colon', async () => {
    const reply = await tokenRequest({
      authorization: basic(credentials.clientId, credentials.clientSecret),
    });
    expect(reply.status).toBe(200);
    expect(reply.body.access_token).toEqual(expect.any(String));
    expect(
      (await call(special.url, `${ADMIN}/skills/${SKILL_ID}`, { token: reply.body.access_token })).status,
    ).toBe(200);
  });

  it('refuses Basic credentials that were form-encoded first (RFC 6749 style) with 401 invalid_client', async () => {
    const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
    const reply = await tokenRequest({
      authorization: basic(encode(credentials.clientId), encode(credentials.clientSecret)),
    });
    expect(reply.status).toBe(401);
    expect(reply.body).toEqual({ error: 'invalid_client', errorDescription: expect.any(String) });
  });

  it("keeps RFC 6749 form-encoded Basic credentials on the campaign target's /oauth2/token", async () => {
    const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
    const reply = await call<TokenBody>(special.url, '/oauth2/token', {
      method: 'POST',
      headers: { authorization: basic(encode(credentials.clientId), encode(credentials.clientSecret)) },
      form: { grant_type: 'client_credentials' },
    });
    expect(reply.status).toBe(200);
    expect(reply.body.access_token).toEqual(expect.any(String));
  });

  it('accepts client_secret_post: client_id and client_secret in the form body', async () => {
    const reply = await tokenRequest({
      form: { client_id: credentials.clientId, client_secret: credentials.clientSecret },
    });
    expect(reply.status).toBe(200);
    const wrong = await tokenRequest({ form: { client_id: credentials.clientId, client_secret: 'nope' } });
    expect(wrong.status).toBe(401);
  });

  it('refuses both methods in one request with 400 and the access key with the wrong secret', async () => {
    const both = await tokenRequest({
      authorization: basic(credentials.clientId, credentials.clientSecret),
      form: { client_id: credentials.clientId, client_secret: credentials.clientSecret },
    });
    expect(both.status).toBe(400);
    expect(both.body.error).toBe('invalid_request');
    const wrongKey = await tokenRequest({
      authorization: basic(credentials.clientId, credentials.clientSecret),
      form: { password: SANDBOX_CREDENTIALS.accessKeySecret },
    });
    expect(wrongKey.status).toBe(401);
    expect(wrongKey.body.error).toBe('invalid_grant');
  });
});

describe('agent directory beyond 10,000 agents', () => {
  it('pages GET /agents by skip/top to totalRecords, then answers 204', async () => {
    const seeded = await call<{ count: number }>(base, '/sandbox/agents', {
      method: 'PUT',
      json: { count: 10_050 },
    });
    expect(seeded.body).toEqual({ count: 10_050 });
    const userIds = new Set<string>();
    let skip = 0;
    for (;;) {
      const reply = await call<AgentsBody>(base, `${ADMIN}/agents?skip=${skip}&top=100`, { token });
      if (reply.status === 204) break;
      expect(reply.body.totalRecords).toBe(10_050);
      for (const agent of reply.body.agents) userIds.add(agent.userId);
      skip += reply.body.agents.length;
    }
    expect(skip).toBe(10_050);
    expect(userIds.size).toBe(10_050);

    const first = await call<AgentsBody>(base, `${ADMIN}/agents?searchString=agent-uuid-042`, { token });
    expect(first.body.agents).toEqual([
      expect.objectContaining({ agentId: 100042, userId: 'agent-uuid-042' }),
    ]);
    const last = await call<AgentsBody>(base, `${ADMIN}/agents?searchString=agent-uuid-10050`, { token });
    expect(last.body.agents).toEqual([
      expect.objectContaining({ agentId: 110050, userId: 'agent-uuid-10050' }),
    ]);

    sandbox.reset();
    expect((await call<{ count: number }>(base, '/sandbox/agents')).body).toEqual({ count: 200 });
  });

  it('drops the assignments of agents a smaller directory no longer has', async () => {
    await assign([{ agentId: 100002 }, { agentId: 100150 }]);
    await call(base, '/sandbox/agents', { method: 'PUT', json: { count: 100 } });
    expect((await skillMembers(base)).map((member) => member.agentId)).toEqual([100002]);
    expect((await call(base, '/sandbox/agents', { method: 'PUT', json: { count: -1 } })).status).toBe(400);
  });
});

describe('JWKS and the RS256 id_token', () => {
  it('points discovery at /auth/jwks, whose key verifies the id_token', async () => {
    const openid = await call<{ jwks_uri: string; id_token_signing_alg_values_supported: string[] }>(
      base,
      '/.well-known/openid-configuration',
    );
    expect(openid.body.jwks_uri).toBe(`${base}/auth/jwks`);
    expect(openid.body.id_token_signing_alg_values_supported).toEqual(['RS256']);
    const jwks = await call<{ keys: Array<JsonWebKey & { kid: string; alg: string }> }>(base, '/auth/jwks');
    expect(jwks.status).toBe(200);
    const [key] = jwks.body.keys;
    expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });

    const idToken = (await adminToken(base)).id_token;
    const [header, payload, signature] = idToken.split('.');
    expect(JSON.parse(Buffer.from(header ?? '', 'base64url').toString())).toMatchObject({
      alg: 'RS256',
      kid: key?.kid,
    });
    const verified = createVerify('RSA-SHA256')
      .update(`${header}.${payload}`)
      .verify(
        createPublicKey({ key: key as JsonWebKey, format: 'jwk' }),
        Buffer.from(signature ?? '', 'base64url'),
      );
    expect(verified).toBe(true);
    expect((await call(base, '/.well-known/jwks')).status).toBe(404);
  });
});

describe('GET /skills/{skillId} and the seeded skills', () => {
  it('answers outbound Personal Connection skills, the inbound one and 404 for an unknown skill', async () => {
    const details = async (skillId: number | string) =>
      call<{ skillId: number; isOutbound: boolean; outboundStrategy: string; mediaTypeId: number }>(
        base,
        `${ADMIN}/skills/${skillId}`,
        { token },
      );
    for (const skillId of [4501234, 4501235, 4501236, 4501237, 4501238, 4501239]) {
      const reply = await details(skillId);
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({
        skillId,
        isOutbound: true,
        outboundStrategy: 'Personal Connection',
        mediaTypeId: 4,
        mediaTypeName: 'Phone Call',
        campaignId: expect.any(Number),
      });
    }
    expect((await details(4509999)).body).toMatchObject({
      skillId: 4509999,
      isOutbound: false,
      mediaTypeId: 4,
    });
    const unknown = await details(4599999);
    expect(unknown.status).toBe(404);
    expect((unknown.body as unknown as ErrorBody).error_description).toBe(
      "Invalid skillId - '4599999', does not exist",
    );
    expect((await call(base, `${ADMIN}/skills/${SKILL_ID}`, { method: 'POST', token })).status).toBe(405);

    const state = await call<StateBody>(base, '/sandbox/state');
    expect(Object.keys(state.body.skills)).toEqual(SEEDED_SKILL_IDS.map(String));
  });

  it('lets a given skill replace a seeded one with the same id; unbound skills have no campaign target', async () => {
    const bound = await startCxoneSandbox({
      skills: [
        { skillId: 4509999, campaignId: 'aaaaaaaa-0000-0000-0000-000000000001' },
        { skillId: 4502000, campaignId: 'aaaaaaaa-0000-0000-0000-000000000002', outboundStrategy: 'Manual' },
      ],
    });
    try {
      const bearer = (await adminToken(bound.url)).access_token;
      const replaced = await call<{ isOutbound: boolean }>(bound.url, `${ADMIN}/skills/4509999`, {
        token: bearer,
      });
      expect(replaced.body).toMatchObject({ isOutbound: true, outboundStrategy: 'Personal Connection' });
      const manual = await call(bound.url, `${ADMIN}/skills/4502000`, { token: bearer });
      expect(manual.body).toMatchObject({ isOutbound: true, outboundStrategy: 'Manual' });
      expect((await call(bound.url, `${ADMIN}/skills/4501234`, { token: bearer })).status).toBe(404);
      expect((await call(bound.url, `${ADMIN}/skills/4501235`, { token: bearer })).status).toBe(200);
      const campaign = await call(
        bound.url,
        '/api/v2/outbound/campaigns/aaaaaaaa-0000-0000-0000-000000000001/agents',
        {
          token: await campaignToken(bound.url),
        },
      );
      expect(campaign.status).toBe(200);
    } finally {
      await bound.close();
    }
  });
});
