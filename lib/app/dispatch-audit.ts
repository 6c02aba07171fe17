// The audit lines of one converge: per agent changed or refused, per agent removed (and why), and the members of the
// skill the campaign does not own or cannot see.
import type { MembershipScope } from '../domain/membership.ts';
import type { AssignmentRecord } from './model.ts';
import type { ConvergeOutcome, DispatchObserver } from './ports.ts';

export function auditConverge(
  observer: DispatchObserver,
  record: AssignmentRecord,
  outcome: ConvergeOutcome,
  scope: MembershipScope,
): void {
  const facts = { assignmentId: record.assignmentId, campaignId: record.campaignId };
  const changed = new Set([...outcome.added, ...outcome.updated, ...outcome.removed, ...outcome.dropped]);
  const failed = new Map(outcome.failedAgents.map((f) => [f.userId, f.reason]));
  for (const agent of outcome.plan) {
    if (!changed.has(agent.userId) && !failed.has(agent.userId)) continue;
    observer.audit({
      action: failed.has(agent.userId) ? 'agent.refused' : agent.active ? 'agent.active' : 'agent.inactive',
      ...facts,
      userId: agent.userId,
      reason: failed.get(agent.userId) ?? agent.reason,
      proficiency: agent.proficiency,
      capacityScore: agent.capacityScore,
      overlapMinutes: agent.overlapMinutes,
    });
  }
  const managed = new Set(scope.managed);
  for (const userId of outcome.removed) {
    observer.audit({
      action: 'agent.removed',
      ...facts,
      userId,
      reason: managed.has(userId)
        ? 'not in the desired state'
        : 'not one of the campaign’s agents, and the membership is exclusive',
    });
  }
  if (outcome.foreign.length > 0) {
    observer.audit({
      action: 'skill.foreign_agents',
      ...facts,
      membership: scope.mode,
      foreignAgents: outcome.foreign.map((member) => member.userId),
      reason:
        scope.mode === 'managed'
          ? 'on the skill but not the campaign’s: left as they are'
          : 'on the skill but not the campaign’s, and CXone did not remove them',
    });
  }
  if (outcome.hiddenAgents > 0) {
    observer.audit({
      action: 'skill.hidden_agents',
      ...facts,
      membership: scope.mode,
      hiddenAgents: outcome.hiddenAgents,
      reason: 'members CXone does not show the access key: neither read nor changed',
    });
  }
}
