import { describe, expect, it } from 'vitest';
import { convergeWithBalancing } from '../../../lib/cxone/converge.ts';
import { CxoneConflictError, CxonePermanentError } from '../../../lib/cxone/errors.ts';
import type { ConvergeResult, CxoneConvergeClient, TrustedPicture } from '../../../lib/cxone/types.ts';
import { MAX_BALANCING_ROUNDS } from '../../../lib/domain/load-balance.ts';
import type { AgentPlan, SkillAssignment } from '../../../lib/domain/types.ts';

const target = { campaignId: 'campaign-1', skillId: 42 };
const ctx = { correlationId: 'assignment-1', deadline: Date.now() + 60_000 };

function plan(count: number): AgentPlan[] {
  return Array.from({ length: count }, (_, i) => ({
    userId: `agent-${String(i + 1).padStart(2, '0')}`,
    active: true,
    reason: 'active' as const,
    overlapMinutes: 480,
    capacityScore: 1 - i / 100,
    proficiency: 1,
  }));
}

/** A client whose CXone accepts at most `capacity` active agents (409 with the limit otherwise). */
function capacityClient(capacity: number | ((attempt: number) => number | undefined)) {
  const attempts: SkillAssignment[][] = [];
  const pictures: Array<TrustedPicture | undefined> = [];
  const client: CxoneConvergeClient = {
    target: 'campaign-agents',
    converge: async (_target, desired, _ctx, _scope, options) => {
      attempts.push(desired);
      pictures.push(options?.trusted);
      const limit = typeof capacity === 'number' ? capacity : capacity(attempts.length);
      const active = desired.filter((agent) => agent.isActive).length;
      if (limit === undefined || active > limit) {
        throw new CxoneConflictError('capacity', { status: 409, ...(limit === undefined ? {} : { limit }) });
      }
      const result: ConvergeResult = {
        reads: 2,
        writes: 1,
        added: desired.map((agent) => agent.userId),
        updated: [],
        removed: [],
        failedAgents: [],
        verified: true,
        before: [],
        current: desired,
        hiddenAgents: 0,
        foreign: [],
        released: [],
        revealed: [],
        cxoneMs: 5,
        confirmedBy: 'read',
      };
      return result;
    },
  };
  return { client, attempts, pictures };
}

describe('convergeWithBalancing', () => {
  it('applies the plan as is when CXone accepts it', async () => {
    const { client, attempts } = capacityClient(10);
    const result = await convergeWithBalancing(client, target, plan(4), ctx);
    expect(attempts).toHaveLength(1);
    expect(result).toMatchObject({ dropped: [], verified: true });
    expect(result.plan).toEqual(plan(4));
  });

  it('re-plans once with the conflict limit, drops the lowest scores and stops', async () => {
    const { client, attempts } = capacityClient(3);
    const result = await convergeWithBalancing(client, target, plan(5), ctx);
    expect(attempts).toHaveLength(2);
    expect(attempts[1]?.filter((agent) => agent.isActive).map((agent) => agent.userId)).toEqual([
      'agent-01',
      'agent-02',
      'agent-03',
    ]);
    expect(result.dropped).toEqual(['agent-04', 'agent-05']);
    expect(result.plan.filter((agent) => agent.reason === 'dropped_capacity_conflict')).toHaveLength(2);
    // dropped agents stay assigned, inactive
    expect(attempts[1]).toHaveLength(5);
  });

  it('hands a trusted picture to the first round only: a refused round may have written', async () => {
    const { client, pictures } = capacityClient(3);
    const trusted: TrustedPicture = { members: [{ userId: 'agent-01', isActive: true, proficiency: 1 }] };
    await convergeWithBalancing(client, target, plan(5), ctx, undefined, { trusted });
    expect(pictures).toEqual([trusted, undefined]);
  });

  it(`gives up after ${MAX_BALANCING_ROUNDS} balancing rounds instead of looping`, async () => {
    // A CXone that keeps lowering its limit: every attempt conflicts.
    const { client, attempts } = capacityClient((attempt) => 8 - attempt * 2);
    const error = await convergeWithBalancing(client, target, plan(10), ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CxoneConflictError);
    expect(attempts).toHaveLength(MAX_BALANCING_ROUNDS + 1);
  });

  it('stops at once when balancing cannot drop anyone', async () => {
    // The limit is above the active count, so there is nobody left to drop: rethrow, do not resend.
    const { client, attempts } = capacityClient(() => undefined);
    const inactive = plan(3).map((agent) => ({ ...agent, active: false }));
    await expect(convergeWithBalancing(client, target, inactive, ctx)).rejects.toBeInstanceOf(
      CxoneConflictError,
    );
    expect(attempts).toHaveLength(1);
  });

  it('uses the domain default when CXone gives no limit', async () => {
    const { client, attempts } = capacityClient((attempt) => (attempt === 1 ? undefined : 100));
    const result = await convergeWithBalancing(client, target, plan(8), ctx);
    expect(attempts).toHaveLength(2);
    expect(result.dropped).toEqual(['agent-07', 'agent-08']);
  });

  it('does not re-plan on other errors', async () => {
    const attempts: number[] = [];
    const client: CxoneConvergeClient = {
      target: 'admin',
      converge: async () => {
        attempts.push(1);
        throw new CxonePermanentError('forbidden', { status: 403 });
      },
    };
    await expect(convergeWithBalancing(client, target, plan(2), ctx)).rejects.toBeInstanceOf(
      CxonePermanentError,
    );
    expect(attempts).toHaveLength(1);
  });
});
