// Who is active now: calling hours, the agent's own window, capacity threshold, then the best `maxAgents` scores.
import { capacityScore, proficiencyFromScore } from './capacity.ts';
import type { CampaignPolicy, Submission } from './schemas.ts';
import { isWithinWindow, localDateIn, windowOverlapMinutes } from './time-window.ts';
import type { AgentPlan, SkillAssignment } from './types.ts';
import { agentsViolatingPolicy } from './validate.ts';

/** Code-unit order of userIds: deterministic and locale-independent. */
export function compareUserIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Best capacity score first, ties by userId ascending. */
export function compareByRank(a: AgentPlan, b: AgentPlan): number {
  return b.capacityScore - a.capacityScore || compareUserIds(a.userId, b.userId);
}

/**
 * The decision for every agent of a (validated) submission at instant `now`, returned sorted by userId so the
 * result does not depend on the order of the input. Per agent, the first reason that applies:
 * `outside_calling_hours` (now is outside the campaign's calling hours in its zone), `policy_violation` (the agent
 * breaks a rule of the policy as validation checks it at `now`, which happens once the policy was changed with
 * `force`), `outside_agent_window`, `under_capacity_threshold` (score < capacityThreshold); the remaining agents are
 * ranked by score (ties by userId) and those beyond `maxAgents` get `over_max_agents`. The call-rate target is the
 * submission's, else the policy's.
 */
export function planActiveAgents(policy: CampaignPolicy, submission: Submission, now: Date): AgentPlan[] {
  const target = submission.callRateTarget ?? policy.callRateTarget;
  const inCallingHours = isWithinWindow(policy.callingHours, policy.timezone, now);
  const campaignDate = localDateIn(now, policy.timezone);
  const overlapByWindow = new Map<string, number>();
  const violating = agentsViolatingPolicy(policy, submission, now);

  const plans: AgentPlan[] = submission.agents.map((agent) => {
    const window = agent.availabilityWindow;
    const key = `${window.start}|${window.end}|${window.timezone}`;
    let overlapMinutes = overlapByWindow.get(key);
    if (overlapMinutes === undefined) {
      overlapMinutes = windowOverlapMinutes(window, policy.callingHours, policy.timezone, campaignDate);
      overlapByWindow.set(key, overlapMinutes);
    }
    const score = capacityScore(target, agent.recentCallRate);
    const reason = !inCallingHours
      ? 'outside_calling_hours'
      : violating.has(agent.userId)
        ? 'policy_violation'
        : !isWithinWindow(window, window.timezone, now)
          ? 'outside_agent_window'
          : score < policy.capacityThreshold
            ? 'under_capacity_threshold'
            : 'active';
    return {
      userId: agent.userId,
      active: reason === 'active',
      reason,
      overlapMinutes,
      capacityScore: score,
      proficiency: proficiencyFromScore(score),
    };
  });

  const candidates = plans.filter((plan) => plan.active).sort(compareByRank);
  for (const plan of candidates.slice(policy.maxAgents)) {
    plan.active = false;
    plan.reason = 'over_max_agents';
  }
  return plans.sort((a, b) => compareUserIds(a.userId, b.userId));
}

/** Every planned agent is assigned to the campaign's skill; `isActive` and proficiency come from the plan. */
export function toSkillAssignments(plan: readonly AgentPlan[]): SkillAssignment[] {
  return plan
    .map((agent) => ({ userId: agent.userId, isActive: agent.active, proficiency: agent.proficiency }))
    .sort((a, b) => compareUserIds(a.userId, b.userId));
}
