// The drift check's read of a skill: every page of members with their agentIds, CXone's hiddenAgents, 204 as an
// empty skill, and not a single write.
import { describe, expect, it } from 'vitest';
import { createCxoneClient } from '../../../lib/cxone/client.ts';
import { staticCredentials } from '../../../lib/cxone/credentials.ts';
import type { SkillAssignment } from '../../../lib/domain/types.ts';
import { agentIdOf, CREDENTIALS, FakeCxone } from './fake-cxone.ts';
import { fakeClock, json, scriptedFetch } from './fakes.ts';

const target = { campaignId: 'campaign-1', skillId: 42 };
const a = (userId: string, isActive = true, proficiency = 1): SkillAssignment => ({
  userId,
  isActive,
  proficiency,
});

function adminClient(cxone: FakeCxone) {
  const clock = fakeClock();
  const { fetch, calls } = scriptedFetch(cxone.handler, clock.now);
  const client = createCxoneClient({
    target: 'admin',
    credentials: staticCredentials(CREDENTIALS),
    fetch,
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0.5,
    rateLimitPerSecond: 1000,
  });
  return { client, calls, ctx: { correlationId: 'drift-1', deadline: clock.now() + 60_000 } };
}

describe('readSkill (admin target)', () => {
  it('lists every member over several pages with its agentId and writes nothing', async () => {
    const members = Array.from({ length: 12 }, (_, i) => a(`user-${i + 1}`, i % 2 === 0, (i % 5) + 1));
    const cxone = new FakeCxone(members);
    cxone.pageCap = 5;
    const { client, calls, ctx } = adminClient(cxone);
    const read = await client.readSkill(target, ctx);
    expect(read.hiddenAgents).toBe(0);
    expect(read.members.map(({ agentId, ...member }) => member)).toEqual(
      [...members].sort((x, y) => agentIdOf(x.userId) - agentIdOf(y.userId)),
    );
    for (const member of read.members) expect(member.agentId).toBe(agentIdOf(member.userId));
    expect(calls.filter((call) => call.method !== 'GET' && !call.url.pathname.endsWith('/token'))).toEqual(
      [],
    );
  });

  it('reads CXone’s 204 as an empty skill and reports hidden members', async () => {
    const empty = adminClient(new FakeCxone());
    expect(await empty.client.readSkill(target, empty.ctx)).toEqual({ members: [], hiddenAgents: 0 });
    const cxone = new FakeCxone([a('user-1'), a('user-2'), a('user-3')]);
    cxone.hiddenAgents = 1;
    const { client, ctx } = adminClient(cxone);
    const read = await client.readSkill(target, ctx);
    expect(read.hiddenAgents).toBe(1);
    expect(read.members.map((member) => member.userId)).toEqual(['user-2', 'user-3']);
  });
});

describe('readSkill (campaign-agents target)', () => {
  it('is the campaign’s GET, with no hidden members', async () => {
    const { fetch, calls } = scriptedFetch((request) =>
      request.url.pathname === '/oauth2/token'
        ? json(200, { access_token: 'token', token_type: 'Bearer', expires_in: 3600 })
        : json(200, { agents: [{ userId: 'user-1', isActive: false, proficiency: 3 }] }),
    );
    const client = createCxoneClient({
      target: 'campaign-agents',
      credentials: staticCredentials(CREDENTIALS),
      fetch,
      rateLimitPerSecond: 1000,
    });
    const read = await client.readSkill(target, { correlationId: 'drift-1', deadline: Date.now() + 60_000 });
    expect(read).toEqual({ members: [a('user-1', false, 3)], hiddenAgents: 0 });
    expect(calls.map((call) => `${call.method} ${call.url.pathname}`)).toEqual([
      'POST /oauth2/token',
      'GET /api/v2/outbound/campaigns/campaign-1/agents',
    ]);
  });
});
