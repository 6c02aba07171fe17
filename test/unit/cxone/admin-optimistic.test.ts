// The admin target's frugal converge: the verifying read only when CXone's answers leave doubt, and the optimistic
// write from a trusted picture with its fallbacks to read → diff → write when an answer shows the picture stale.
import { describe, expect, it } from 'vitest';
import { createCxoneClient } from '../../../lib/cxone/client.ts';
import { staticCredentials } from '../../../lib/cxone/credentials.ts';
import type { MembershipScope, TrustedPicture } from '../../../lib/cxone/types.ts';
import type { SkillAssignment } from '../../../lib/domain/types.ts';
import { API, agentIdOf, CREDENTIALS, FakeCxone } from './fake-cxone.ts';
import { fakeClock, scriptedFetch } from './fakes.ts';

const target = { campaignId: 'campaign-1', skillId: 42 };
const a = (userId: string, isActive = true, proficiency = 1): SkillAssignment => ({
  userId,
  isActive,
  proficiency,
});
const managed = (...earlier: string[]): MembershipScope => ({ mode: 'managed', managed: earlier });
const exclusive: MembershipScope = { mode: 'exclusive', managed: [] };
const trusted = (...members: SkillAssignment[]): { trusted: TrustedPicture } => ({ trusted: { members } });
const sorted = (state: SkillAssignment[]) => [...state].sort((x, y) => x.userId.localeCompare(y.userId));

function setup(cxone: FakeCxone) {
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
  const ctx = { correlationId: 'assignment-3', deadline: clock.now() + 600_000 };
  const apiCalls = () =>
    calls
      .filter((call) => call.url.href.startsWith(API))
      .map((call) => `${call.method} ${call.url.pathname.replace('/inContactAPI/services/v30.0', '')}`);
  /** API calls from now on. */
  const mark = () => {
    const from = apiCalls().length;
    return () => apiCalls().slice(from);
  };
  return { client, ctx, apiCalls, mark };
}

const SKILL_READ = 'GET /skills/42/agents';

describe('verifying read only on doubt', () => {
  it('skips it when every agent of every write answered success, and says so', async () => {
    const cxone = new FakeCxone([a('user-1'), a('user-2'), a('user-3')]);
    const { client, ctx, apiCalls } = setup(cxone);
    const desired = [a('user-2', false, 4), a('user-3'), a('user-4')];
    const result = await client.converge(target, desired, ctx, managed('user-1', 'user-2', 'user-3'));
    expect(apiCalls().filter((call) => call === SKILL_READ)).toHaveLength(1);
    expect(result).toMatchObject({
      confirmedBy: 'write_results',
      verified: true,
      added: ['user-4'],
      updated: ['user-2'],
      removed: ['user-1'],
      released: ['user-1'],
      failedAgents: [],
    });
    expect(sorted(result.current)).toEqual(sorted(cxone.assignments()));
  });

  it('reads again after a per-agent refusal and reports the agent from that read', async () => {
    const cxone = new FakeCxone();
    cxone.refusedAgents.set(agentIdOf('user-2'), 'Agent is locked');
    const { client, ctx, apiCalls } = setup(cxone);
    const result = await client.converge(target, [a('user-1'), a('user-2')], ctx);
    expect(apiCalls().filter((call) => call === SKILL_READ)).toHaveLength(2);
    expect(result).toMatchObject({ confirmedBy: 'read', verified: false, added: ['user-1'] });
    expect(result.failedAgents).toEqual([{ userId: 'user-2', reason: 'Agent is locked' }]);
  });

  it('reads again when a userId has no CXone agent', async () => {
    const { client, ctx, apiCalls } = setup(new FakeCxone());
    const result = await client.converge(target, [a('user-1'), a('ghost-1')], ctx);
    expect(apiCalls().filter((call) => call === SKILL_READ)).toHaveLength(2);
    expect(result.confirmedBy).toBe('read');
  });

  it('reads again when a write revealed a member the first read did not show', async () => {
    const cxone = new FakeCxone([a('user-1', true, 4)]);
    cxone.hiddenAgents = 1;
    const { client, ctx, apiCalls } = setup(cxone);
    const result = await client.converge(target, [a('user-1', true, 2)], ctx);
    expect(apiCalls().filter((call) => call === SKILL_READ)).toHaveLength(2);
    expect(result).toMatchObject({ confirmedBy: 'read', revealed: ['user-1'], verified: true });
  });

  it('managed: hidden members that no write revealed are others’, and leave no doubt', async () => {
    const cxone = new FakeCxone([a('user-1'), a('user-2')]);
    cxone.hiddenAgents = 1;
    const { client, ctx, apiCalls } = setup(cxone);
    const result = await client.converge(target, [a('user-2'), a('user-3')], ctx);
    expect(apiCalls().filter((call) => call === SKILL_READ)).toHaveLength(1);
    expect(result).toMatchObject({ confirmedBy: 'write_results', verified: true, hiddenAgents: 1 });
    expect(cxone.skill.has(agentIdOf('user-1'))).toBe(true);
  });

  it('exclusive: hidden members leave doubt, so it reads again (and still cannot vouch)', async () => {
    const cxone = new FakeCxone([a('user-1'), a('user-2')]);
    cxone.hiddenAgents = 1;
    const { client, ctx, apiCalls } = setup(cxone);
    const result = await client.converge(target, [a('user-3')], ctx, exclusive);
    expect(apiCalls().filter((call) => call === SKILL_READ)).toHaveLength(2);
    expect(result).toMatchObject({ confirmedBy: 'read', verified: false, hiddenAgents: 1 });
  });

  it('a converged resubmission costs one read and no write', async () => {
    const desired = [a('user-1'), a('user-2', false, 2)];
    const { client, ctx, apiCalls } = setup(new FakeCxone(desired));
    const result = await client.converge(target, desired, ctx);
    expect(apiCalls()).toEqual([SKILL_READ]);
    expect(result).toMatchObject({ reads: 1, writes: 0, confirmedBy: 'read', verified: true });
  });
});

describe('optimistic write from a trusted picture', () => {
  it('writes without reading when the picture is right, and the answers confirm it', async () => {
    const cxone = new FakeCxone([a('user-1'), a('user-2')]);
    const { client, ctx, mark } = setup(cxone);
    await client.converge(target, [a('user-1'), a('user-2')], ctx); // learns their agentIds from the read
    const calls = mark();
    const desired = [a('user-2', false, 3), a('user-3')];
    const result = await client.converge(
      target,
      desired,
      ctx,
      managed('user-1', 'user-2'),
      trusted(a('user-1'), a('user-2')),
    );
    expect(calls()).toEqual([
      'GET /agents', // the directory lookup for user-3
      'DELETE /skills/42/agents',
      'PUT /skills/42/agents',
      'POST /skills/42/agents',
    ]);
    expect(result).toMatchObject({
      reads: 1,
      writes: 3,
      confirmedBy: 'write_results',
      verified: true,
      added: ['user-3'],
      updated: ['user-2'],
      removed: ['user-1'],
      released: ['user-1'],
      revealed: [],
    });
    expect(result.before).toEqual([a('user-1'), a('user-2')]);
    expect(sorted(result.current)).toEqual(desired);
    expect(sorted(cxone.assignments())).toEqual(desired);
  });

  it('makes no request at all when the picture already holds the desired state', async () => {
    const desired = [a('user-1'), a('user-2')];
    const cxone = new FakeCxone(desired);
    const { client, ctx, apiCalls } = setup(cxone);
    const result = await client.converge(target, desired, ctx, managed(), trusted(...desired));
    expect(apiCalls()).toEqual([]);
    expect(result).toMatchObject({ reads: 0, writes: 0, confirmedBy: 'trusted_picture', verified: true });
    expect(result.current).toEqual(desired);
  });

  it('reads first when the agentId of a member to remove or update is not known', async () => {
    const cxone = new FakeCxone([a('user-1'), a('user-2')]);
    const { client, ctx, apiCalls } = setup(cxone);
    const desired = [a('user-2', true, 5)];
    const result = await client.converge(
      target,
      desired,
      ctx,
      managed('user-1', 'user-2'),
      trusted(a('user-1'), a('user-2')),
    );
    expect(apiCalls()).toEqual([SKILL_READ, 'DELETE /skills/42/agents', 'PUT /skills/42/agents']);
    expect(result).toMatchObject({
      reads: 1,
      confirmedBy: 'write_results',
      removed: ['user-1'],
      verified: true,
    });
    expect(cxone.assignments()).toEqual(desired);
  });

  it('falls back to read → diff → write when a POST finds the agent already assigned', async () => {
    // The picture says the skill is empty, but someone added user-1 at proficiency 7 and user-5 by hand since.
    const cxone = new FakeCxone([a('user-1', true, 7), a('user-5')]);
    const { client, ctx, mark } = setup(cxone);
    await client.converge(target, [], ctx);
    const calls = mark();
    const desired = [a('user-1'), a('user-2')];
    const result = await client.converge(target, desired, ctx, managed(), trusted());
    // The read found nothing left to write: the PUT after "already assigned" had made user-1 as desired.
    expect(calls()).toEqual(['GET /agents', 'POST /skills/42/agents', 'PUT /skills/42/agents', SKILL_READ]);
    expect(result).toMatchObject({ confirmedBy: 'read', revealed: ['user-1'], verified: true });
    expect(result.added).toEqual(['user-2']);
    expect(result.updated).toEqual(['user-1']);
    expect(result.foreign).toEqual([a('user-5')]);
    // The hand-added member that is not the campaign's is left alone.
    expect(sorted(cxone.assignments())).toEqual([...desired, a('user-5')]);
  });

  it('falls back when a DELETE finds a member of the picture not assigned, and fixes what the picture hid', async () => {
    const cxone = new FakeCxone([a('user-1'), a('user-2'), a('user-3')]);
    const { client, ctx, mark } = setup(cxone);
    await client.converge(target, [a('user-1'), a('user-2'), a('user-3')], ctx);
    // By hand since the picture: user-1 removed, user-3 deactivated.
    cxone.skill.delete(agentIdOf('user-1'));
    cxone.skill.set(agentIdOf('user-3'), { isActive: false, proficiency: 1 });
    const calls = mark();
    const desired = [a('user-2'), a('user-3')];
    const result = await client.converge(
      target,
      desired,
      ctx,
      managed('user-1', 'user-2', 'user-3'),
      trusted(a('user-1'), a('user-2'), a('user-3')),
    );
    expect(calls()).toEqual(['DELETE /skills/42/agents', SKILL_READ, 'PUT /skills/42/agents']);
    expect(result).toMatchObject({ confirmedBy: 'write_results', verified: true, removed: ['user-1'] });
    expect(result.updated).toEqual(['user-3']);
    expect(result.released).toEqual(['user-1']);
    // Before: the picture for the agent written before the read (user-1), the read for the others.
    expect(result.before).toEqual([a('user-1'), a('user-2'), a('user-3', false)]);
    expect(sorted(cxone.assignments())).toEqual(desired);
  });

  it('falls back when a PUT finds a member of the picture not assigned', async () => {
    const cxone = new FakeCxone([a('user-1')]);
    const { client, ctx, mark } = setup(cxone);
    await client.converge(target, [a('user-1')], ctx);
    cxone.skill.delete(agentIdOf('user-1'));
    const calls = mark();
    const desired = [a('user-1', true, 3)];
    const result = await client.converge(target, desired, ctx, managed('user-1'), trusted(a('user-1')));
    expect(calls()).toEqual(['PUT /skills/42/agents', SKILL_READ, 'POST /skills/42/agents']);
    expect(result).toMatchObject({ confirmedBy: 'write_results', verified: true, failedAgents: [] });
    expect(result.added).toEqual(['user-1']);
    expect(result.updated).toEqual([]);
    expect(cxone.assignments()).toEqual(desired);
  });

  it('falls back when removing a managed agent the picture left out finds it on the skill', async () => {
    const cxone = new FakeCxone([a('user-1'), a('user-2')]);
    const { client, ctx, mark } = setup(cxone);
    await client.converge(target, [a('user-1'), a('user-2')], ctx);
    const calls = mark();
    const result = await client.converge(
      target,
      [a('user-2')],
      ctx,
      managed('user-1', 'user-2'),
      trusted(a('user-2')),
    );
    expect(calls()).toEqual([`DELETE /skills/42/agents/${agentIdOf('user-1')}`, SKILL_READ]);
    expect(result).toMatchObject({ confirmedBy: 'read', removed: ['user-1'], revealed: ['user-1'] });
    expect(cxone.assignments()).toEqual([a('user-2')]);
  });

  it('a refusal on the optimistic path makes a verifying read, not a second round of writes', async () => {
    const cxone = new FakeCxone();
    cxone.refusedAgents.set(agentIdOf('user-2'), 'Agent is locked');
    const { client, ctx, mark } = setup(cxone);
    await client.converge(target, [], ctx);
    const calls = mark();
    const result = await client.converge(target, [a('user-1'), a('user-2')], ctx, managed(), trusted());
    expect(calls()).toEqual(['GET /agents', 'POST /skills/42/agents', SKILL_READ]);
    expect(result).toMatchObject({ confirmedBy: 'read', added: ['user-1'], verified: false });
    expect(result.failedAgents).toEqual([{ userId: 'user-2', reason: 'Agent is locked' }]);
  });
});
