// Membership ownership, over generated skill states: in `managed` mode no CXone write ever touches an agent outside
// the campaign's desired and managed states (the converge runs against an in-memory CXone that answers as the Admin
// API does, with hidden members and with or without inactive members in its reads); in `exclusive` mode the skill
// ends with exactly the desired set when every member is visible.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCxoneClient } from '../../lib/cxone/client.ts';
import { staticCredentials } from '../../lib/cxone/credentials.ts';
import { diffMembership } from '../../lib/domain/membership.ts';
import type { SkillAssignment, SkillMember } from '../../lib/domain/types.ts';
import { agentIdOf, CREDENTIALS, FakeCxone } from '../unit/cxone/fake-cxone.ts';
import { fakeClock, scriptedFetch } from '../unit/cxone/fakes.ts';

const POOL = Array.from({ length: 12 }, (_, i) => `user-${i + 1}`);
const poolId = fc.constantFrom(...POOL);
const skillState: fc.Arbitrary<SkillMember[]> = fc.uniqueArray(
  fc.record({ userId: poolId, isActive: fc.boolean(), proficiency: fc.integer({ min: 1, max: 20 }) }),
  { selector: (member) => member.userId, maxLength: POOL.length },
);
const desiredState: fc.Arbitrary<SkillAssignment[]> = fc.uniqueArray(
  fc.record({ userId: poolId, isActive: fc.boolean(), proficiency: fc.integer({ min: 1, max: 5 }) }),
  { selector: (agent) => agent.userId, maxLength: POOL.length },
);
const managedSet = fc.subarray(POOL);

function client(cxone: FakeCxone) {
  const clock = fakeClock();
  const { fetch } = scriptedFetch(cxone.handler, clock.now);
  const cxoneClient = createCxoneClient({
    credentials: staticCredentials(CREDENTIALS),
    fetch,
    now: clock.now,
    sleep: clock.sleep,
    rateLimitPerSecond: 1000,
  });
  return { cxoneClient, ctx: { correlationId: 'property', deadline: clock.now() + 3_600_000 } };
}

const byUserId = (state: SkillMember[]) =>
  [...state].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));

describe('membership (properties)', () => {
  it('managed: no write touches an agent outside the desired and managed states; foreign members stay as they were', async () => {
    await fc.assert(
      fc.asyncProperty(
        skillState,
        desiredState,
        managedSet,
        fc.integer({ min: 0, max: 3 }),
        fc.boolean(),
        async (initial, desired, managed, hidden, listInactive) => {
          const cxone = new FakeCxone(initial, POOL.length);
          cxone.hiddenAgents = hidden;
          cxone.listInactive = listInactive;
          const { cxoneClient, ctx } = client(cxone);
          await cxoneClient.converge({ campaignId: 'c', skillId: 42 }, desired, ctx, {
            mode: 'managed',
            managed,
          });

          const owned = new Set([...desired.map((agent) => agent.userId), ...managed].map(agentIdOf));
          for (const write of cxone.written) {
            for (const agentId of write.agentIds) expect(owned.has(agentId)).toBe(true);
          }
          const foreign = (state: SkillMember[]) =>
            byUserId(state.filter((m) => !owned.has(agentIdOf(m.userId))));
          expect(foreign(cxone.assignments())).toEqual(foreign(initial));
          // …and what the campaign owns is as desired: desired agents present, managed ones gone.
          const finalState = new Map(cxone.assignments().map((m) => [m.userId, m]));
          for (const agent of desired) expect(finalState.get(agent.userId)).toEqual(agent);
          for (const userId of managed.filter((u) => !desired.some((agent) => agent.userId === u))) {
            expect(finalState.has(userId)).toBe(false);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('exclusive: the skill holds exactly the desired set, with or without inactive members in the reads', async () => {
    await fc.assert(
      fc.asyncProperty(skillState, desiredState, fc.boolean(), async (initial, desired, listInactive) => {
        const cxone = new FakeCxone(initial, POOL.length);
        cxone.listInactive = listInactive;
        const { cxoneClient, ctx } = client(cxone);
        const result = await cxoneClient.converge({ campaignId: 'c', skillId: 42 }, desired, ctx, {
          mode: 'exclusive',
          managed: initial.filter((m) => !m.isActive).map((m) => m.userId),
        });
        expect(byUserId(cxone.assignments())).toEqual(byUserId(desired));
        expect(result).toMatchObject({ verified: true, failedAgents: [] });
      }),
      { numRuns: 100 },
    );
  });

  it('diffMembership in managed mode changes only desired or managed agents', () => {
    fc.assert(
      fc.property(skillState, desiredState, managedSet, (current, desired, managed) => {
        const diff = diffMembership(current, desired, { mode: 'managed', managed });
        const desiredIds = new Set(desired.map((agent) => agent.userId));
        const owned = new Set([...desiredIds, ...managed]);
        for (const agent of [...diff.add, ...diff.update]) expect(desiredIds.has(agent.userId)).toBe(true);
        for (const userId of [...diff.remove, ...diff.unlisted]) expect(owned.has(userId)).toBe(true);
        for (const userId of diff.foreign) expect(owned.has(userId)).toBe(false);
      }),
    );
  });
});
