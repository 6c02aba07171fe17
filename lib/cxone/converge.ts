import { balanceOnConflict, MAX_BALANCING_ROUNDS } from '../domain/load-balance.ts';
import type { MembershipScope } from '../domain/membership.ts';
import { toSkillAssignments } from '../domain/planner.ts';
import type { AgentPlan } from '../domain/types.ts';
import { CxoneConflictError } from './errors.ts';
import type {
  CallContext,
  CampaignTarget,
  ConvergeOptions,
  ConvergeResult,
  CxoneConvergeClient,
} from './types.ts';

export interface BalancedConvergeResult extends ConvergeResult {
  /** userIds made inactive by load balancing, sorted; empty when CXone accepted the first plan. */
  dropped: string[];
  /** The plan that was finally applied. */
  plan: AgentPlan[];
}

/**
 * Converges to `plan` (within `scope`); on a capacity conflict (the campaign-agents target only) re-plans with CXone's limit (`balanceOnConflict`) and tries again,
 * at most MAX_BALANCING_ROUNDS times. `options` (a trusted picture) go to the first round only. A conflict after the last round, or one that balancing cannot answer by
 * dropping anyone, is rethrown: the loop always ends (the Go sketch re-sent the same agents forever).
 */
export async function convergeWithBalancing(
  client: CxoneConvergeClient,
  target: CampaignTarget,
  plan: AgentPlan[],
  ctx: CallContext,
  scope?: MembershipScope,
  options: ConvergeOptions = {},
): Promise<BalancedConvergeResult> {
  let current = plan;
  const dropped = new Set<string>();
  for (let round = 0; ; round++) {
    try {
      // A trusted picture is only that of the first round: a refused round may have written.
      const result = await client.converge(
        target,
        toSkillAssignments(current),
        ctx,
        scope,
        round === 0 ? options : {},
      );
      return { ...result, dropped: [...dropped].sort(), plan: current };
    } catch (error) {
      if (!(error instanceof CxoneConflictError) || round >= MAX_BALANCING_ROUNDS) throw error;
      const balanced = balanceOnConflict(current, error.limit);
      if (balanced.dropped.length === 0) throw error;
      for (const userId of balanced.dropped) dropped.add(userId);
      current = balanced.plan;
    }
  }
}
