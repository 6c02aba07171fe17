// The campaign policy handlers (get/list/versions, put, delete) over the fake table, the mocked queues and a CXone
// client whose skill lookup answers like the CXone sandbox (its seeded skills); the real lookup over HTTP is
// exercised on the local stack (test/integration/local-policies.test.ts).
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { unpack } from '../../../lib/adapters/dynamo-packed.ts';
import type { CxoneSkill } from '../../../lib/cxone/types.ts';
import { FakeDynamoTable } from '../../support/fake-dynamodb-table.ts';
import { CAMPAIGN_ID, POLICY, queuedRecord, SKILL_ID, submission } from '../../support/fixtures.ts';
import {
  coldStart,
  DISPATCH_QUEUE_URL,
  httpResult,
  TABLE_NAME,
  WFM_QUEUE_URL,
} from '../../support/handler-env.ts';
import { httpEvent, lambdaContext } from '../../support/lambda-events.ts';
import { seedPolicies } from '../../support/policy-items.ts';

const cxoneSkills = vi.hoisted(() => ({
  failure: undefined as Error | undefined,
  asked: [] as number[],
}));

vi.mock('../../../lib/cxone/client.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../lib/cxone/client.ts')>();
  const skill = (skillId: number, isOutbound: boolean, outboundStrategy: string): CxoneSkill => ({
    skillId,
    skillName: `Skill ${skillId}`,
    isOutbound,
    outboundStrategy,
    isActive: true,
  });
  const seeded = new Map<number, CxoneSkill>([
    ...[4501234, 4501235, 4501236, 4501237, 4501238, 4501239].map(
      (id) => [id, skill(id, true, 'Personal Connection')] as const,
    ),
    [4509999, skill(4509999, false, '')],
  ]);
  return {
    ...original,
    createCxoneClient: (options: Parameters<typeof original.createCxoneClient>[0]) => ({
      ...original.createCxoneClient(options),
      getSkill: async (skillId: number) => {
        cxoneSkills.asked.push(skillId);
        if (cxoneSkills.failure) throw cxoneSkills.failure;
        return seeded.get(skillId);
      },
    }),
  };
});

const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
let table: FakeDynamoTable;

beforeEach(() => {
  ddb.reset();
  sqs.reset();
  table = new FakeDynamoTable();
  table.install(ddb);
  seedPolicies(table, [POLICY]);
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
  sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
  cxoneSkills.failure = undefined;
  cxoneSkills.asked.length = 0;
});
afterAll(() => {
  ddb.restore();
  sqs.restore();
});

const ENV = {
  TABLE_NAME,
  DISPATCH_QUEUE_URL,
  WFM_QUEUE_URL,
  WFM_ENDPOINTS: JSON.stringify([{ name: 'wfm', url: 'https://wfm.example.com/hooks' }]),
  CXONE_SECRET_ID: 'cxone/credentials',
  // The shared rate budget has its own tests (test/unit/cxone/shared-limiter.test.ts): here the local bucket.
  CXONE_RATE_BUDGET: 'per-instance',
};

interface Call {
  campaignId?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: unknown;
}

async function handlers() {
  coldStart(ENV);
  const get = (await import('../../../functions/get-campaign-policy.ts')).handler;
  const put = (await import('../../../functions/put-campaign-policy.ts')).handler;
  const remove = (await import('../../../functions/delete-campaign-policy.ts')).handler;
  // The error classes of the handlers' module instances (coldStart reset the registry).
  const errors = await import('../../../lib/cxone/errors.ts');
  const event = (method: string, routeKey: string, path: string, call: Call) =>
    httpEvent({
      method,
      routeKey,
      path,
      ...(call.campaignId === undefined ? {} : { pathParameters: { campaignId: call.campaignId } }),
      ...(call.query ? { query: call.query } : {}),
      headers: { 'content-type': 'application/json', ...call.headers },
      ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
    });
  return {
    errors,
    list: async (call: Call = {}) =>
      httpResult(await get(event('GET', 'GET /campaigns', '/campaigns', call), lambdaContext())),
    get: async (campaignId: string) =>
      httpResult(
        await get(
          event('GET', 'GET /campaigns/{campaignId}', `/campaigns/${campaignId}`, { campaignId }),
          lambdaContext(),
        ),
      ),
    versions: async (campaignId: string, call: Call = {}) =>
      httpResult(
        await get(
          event('GET', 'GET /campaigns/{campaignId}/versions', `/campaigns/${campaignId}/versions`, {
            ...call,
            campaignId,
          }),
          lambdaContext(),
        ),
      ),
    put: async (campaignId: string, call: Call = {}) =>
      httpResult(
        await put(
          event('PUT', 'PUT /campaigns/{campaignId}', `/campaigns/${campaignId}`, { ...call, campaignId }),
          lambdaContext(),
        ),
      ),
    remove: async (campaignId: string, call: Call = {}) =>
      httpResult(
        await remove(
          event('DELETE', 'DELETE /campaigns/{campaignId}', `/campaigns/${campaignId}`, {
            ...call,
            campaignId,
          }),
          lambdaContext(),
        ),
      ),
  };
}

const policyBody = (overrides: Record<string, unknown> = {}) => {
  const { campaignId: _id, ...rest } = { ...POLICY, ...overrides };
  return rest;
};

/** The WFM events the handlers queued, one message per event and endpoint. */
function wfmEvents() {
  return sqs
    .commandCalls(SendMessageBatchCommand)
    .flatMap((call) => call.args[0].input.Entries ?? [])
    .map((entry) => JSON.parse(entry.MessageBody ?? '{}').event);
}

describe('GET /campaigns, /campaigns/{campaignId}, /campaigns/{campaignId}/versions', () => {
  it('answers the policy with its version and an ETag, 404 for an unknown campaign', async () => {
    const api = await handlers();
    const found = await api.get(CAMPAIGN_ID);
    expect(found.statusCode).toBe(200);
    expect(found.headers.etag).toBe('"1"');
    expect(found.body).toEqual({ ...POLICY, version: 1, updatedAt: expect.any(String) });
    const missing = await api.get('no-such-campaign');
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toBe('application/problem+json');
    expect((await api.versions('no-such-campaign')).statusCode).toBe(404);
  });

  it('lists campaigns a page at a time: 400 for a malformed limit or cursor, 422 for a foreign one', async () => {
    seedPolicies(table, [
      { ...POLICY, campaignId: 'c-a', cxoneSkillId: 4501235 },
      { ...POLICY, campaignId: 'c-b', cxoneSkillId: 4501236 },
    ]);
    const api = await handlers();
    const first = await api.list({ query: { limit: '2' } });
    expect(first.statusCode).toBe(200);
    expect(first.body.items.map((p: { campaignId: string }) => p.campaignId)).toEqual([CAMPAIGN_ID, 'c-a']);
    const rest = await api.list({ query: { limit: '2', cursor: first.body.nextCursor } });
    expect(rest.body).toEqual({ items: [expect.objectContaining({ campaignId: 'c-b', version: 1 })] });
    for (const query of [{ limit: '0' }, { limit: '101' }, { cursor: 'not a cursor!' }] as Record<
      string,
      string
    >[]) {
      const refused = await api.list({ query });
      expect(refused.statusCode, JSON.stringify(query)).toBe(400);
      expect(refused.headers['content-type']).toBe('application/problem+json');
    }
    // Well formed, but not one this list gave out.
    const foreign = await api.list({ query: { cursor: 'forged' } });
    expect(foreign.statusCode).toBe(422);
    expect(foreign.body.errors).toEqual([
      expect.objectContaining({ path: 'cursor', code: 'invalid_cursor' }),
    ]);
  });
});

describe('PUT /campaigns/{campaignId}', () => {
  it('creates a campaign on a free Personal Connection skill: 201, ETag, Location, policy_changed', async () => {
    const api = await handlers();
    const created = await api.put('campaign-new', {
      headers: { 'if-none-match': '*' },
      body: policyBody({ cxoneSkillId: 4501235 }),
    });
    expect(created.statusCode).toBe(201);
    expect(created.headers).toMatchObject({ etag: '"1"', location: '/campaigns/campaign-new' });
    expect(created.body).toMatchObject({ campaignId: 'campaign-new', cxoneSkillId: 4501235, version: 1 });
    expect(cxoneSkills.asked).toEqual([4501235]);
    expect(wfmEvents()).toEqual([
      expect.objectContaining({
        type: 'com.cxone-assignments.campaign.policy_changed',
        data: expect.objectContaining({ campaignId: 'campaign-new', version: 1 }),
      }),
    ]);
    expect((await api.get('campaign-new')).headers.etag).toBe('"1"');
  });

  it('refuses the inbound skill and an unknown one with 422 at cxoneSkillId, a held one with 409', async () => {
    const api = await handlers();
    for (const skillId of [4509999, 4500001]) {
      const refused = await api.put('campaign-new', { body: policyBody({ cxoneSkillId: skillId }) });
      expect(refused.statusCode).toBe(422);
      expect(refused.body.errors).toEqual([expect.objectContaining({ path: 'cxoneSkillId' })]);
    }
    const taken = await api.put('campaign-new', { body: policyBody({ cxoneSkillId: SKILL_ID }) });
    expect(taken.statusCode).toBe(409);
    expect(taken.body.detail).toContain(CAMPAIGN_ID);
    expect((await api.get('campaign-new')).statusCode).toBe(404);
  });

  it('replaces with the current ETag (200, new ETag), and answers 412 to a stale one, 428 to none', async () => {
    const api = await handlers();
    const replaced = await api.put(CAMPAIGN_ID, {
      headers: { 'if-match': '"1"' },
      body: policyBody({ maxAgents: 7 }),
    });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.headers.etag).toBe('"2"');
    expect(replaced.body.maxAgents).toBe(7);
    const stale = await api.put(CAMPAIGN_ID, {
      headers: { 'if-match': '"1"' },
      body: policyBody({ maxAgents: 9 }),
    });
    expect(stale.statusCode).toBe(412);
    expect(stale.body.type).toMatch(/precondition-failed$/);
    const blind = await api.put(CAMPAIGN_ID, { body: policyBody({ maxAgents: 9 }) });
    expect(blind.statusCode).toBe(428);
    expect(blind.body.type).toMatch(/precondition-required$/);
    expect((await api.get(CAMPAIGN_ID)).body.maxAgents).toBe(7);
    expect(cxoneSkills.asked).toEqual([]);
    const versions = await api.versions(CAMPAIGN_ID);
    expect(versions.body.items.map((v: { version: number }) => v.version)).toEqual([2, 1]);
  });

  it('refuses a change the desired state breaks (422 listing the agents), applies it with force=true', async () => {
    const record = { ...queuedRecord('asg-1', submission(3)), status: 'applied' };
    table.seed({ pk: 'ASSIGNMENT#asg-1', sk: 'A', ...record });
    table.seed({
      pk: `CAMPAIGN#${CAMPAIGN_ID}`,
      sk: 'S',
      campaignId: CAMPAIGN_ID,
      latestAssignmentId: 'asg-1',
      desired: record.desired,
      submittedAt: record.submittedAt,
    });
    const api = await handlers();
    const body = policyBody({ maxAgents: 1 });
    const refused = await api.put(CAMPAIGN_ID, { headers: { 'if-match': '"1"' }, body });
    expect(refused.statusCode).toBe(422);
    expect(refused.body.errors).toEqual([
      expect.objectContaining({ path: 'desired.agents', code: 'too_many_agents' }),
    ]);
    for (const force of ['yes', 'constructor']) {
      expect(
        (await api.put(CAMPAIGN_ID, { headers: { 'if-match': '"1"' }, body, query: { force } })).statusCode,
      ).toBe(400);
    }
    const forced = await api.put(CAMPAIGN_ID, {
      headers: { 'if-match': '"1"' },
      body,
      query: { force: 'true' },
    });
    expect(forced.statusCode).toBe(200);
    const sent = sqs
      .commandCalls(SendMessageCommand)
      .map((call) => JSON.parse(call.args[0].input.MessageBody ?? ''));
    expect(sent).toEqual([expect.objectContaining({ campaignId: CAMPAIGN_ID, kind: 'policy_change' })]);
    expect(table.item(`ASSIGNMENT#${sent[0].assignmentId}`, 'A')).toMatchObject({
      kind: 'policy_change',
      policyVersion: 2,
    });
    expect(unpack(table.item(`ASSIGNMENT#${sent[0].assignmentId}`, 'D')?.desired)).toEqual(record.desired);
  });

  it('answers 503 with Retry-After when CXone cannot be asked now, 502 when it refuses, storing nothing', async () => {
    const api = await handlers();
    cxoneSkills.failure = new api.errors.CxoneRetryableError('CXone answered 503', {
      status: 503,
      retryAfterMs: 7000,
    });
    const unavailable = await api.put('campaign-new', { body: policyBody({ cxoneSkillId: 4501235 }) });
    expect(unavailable.statusCode).toBe(503);
    expect(unavailable.headers['retry-after']).toBe('7');
    cxoneSkills.failure = new api.errors.CxoneAuthError('refused', { status: 401 });
    const refused = await api.put('campaign-new', { body: policyBody({ cxoneSkillId: 4501235 }) });
    expect(refused.statusCode).toBe(502);
    expect(refused.headers['content-type']).toBe('application/problem+json');
    expect((await api.get('campaign-new')).statusCode).toBe(404);
  });

  it('answers 422 with every schema error, 415 for a body that is not JSON', async () => {
    const api = await handlers();
    const invalid = await api.put('campaign-new', { body: { ...policyBody(), maxAgents: 0, extra: 1 } });
    expect(invalid.statusCode).toBe(422);
    expect(invalid.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['extra', 'maxAgents']);
    expect(cxoneSkills.asked).toEqual([]);
    const text = await api.put('campaign-new', {
      headers: { 'content-type': 'text/plain' },
      body: policyBody(),
    });
    expect(text.statusCode).toBe(415);
  });
});

describe('DELETE /campaigns/{campaignId}', () => {
  it('needs If-Match (428), refuses a stale one (412), deletes with the current one (204), then 404', async () => {
    const api = await handlers();
    expect((await api.remove(CAMPAIGN_ID)).statusCode).toBe(428);
    expect((await api.remove(CAMPAIGN_ID, { headers: { 'if-match': '"7"' } })).statusCode).toBe(412);
    const deleted = await api.remove(CAMPAIGN_ID, { headers: { 'if-match': '"1"' } });
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBeUndefined();
    expect((await api.get(CAMPAIGN_ID)).statusCode).toBe(404);
    expect((await api.remove(CAMPAIGN_ID, { headers: { 'if-match': '"1"' } })).statusCode).toBe(404);
    expect(wfmEvents().map((e) => e.data)).toEqual([
      { campaignId: CAMPAIGN_ID, previousVersion: 1, deleted: true, changedFields: [] },
    ]);
  });
});
