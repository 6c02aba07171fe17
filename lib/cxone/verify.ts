// After the writes, the verifying read is the truth: an agent is reported failed only if CXone still differs for
// it (so a per-agent "already assigned" after a retried POST that had in fact succeeded is not a failure).
import type { SkillAssignment, SkillDiff } from '../domain/types.ts';
import type { ConvergeResult, FailedAgent } from './types.ts';

/** A converge whose first read found CXone as desired: no write, and that read is the verification. */
export function alreadyConverged(state: SkillAssignment[], reads: number, cxoneMs: number): ConvergeResult {
  return {
    reads,
    writes: 0,
    added: [],
    updated: [],
    removed: [],
    failedAgents: [],
    verified: true,
    before: state,
    current: state,
    cxoneMs,
  };
}

export function explainRemaining(
  remaining: SkillDiff,
  outcomes: ReadonlyMap<string, FailedAgent>,
): FailedAgent[] {
  const userIds = [
    ...remaining.add.map((agent) => agent.userId),
    ...remaining.update.map((agent) => agent.userId),
    ...remaining.remove,
  ];
  return [...new Set(userIds)].map(
    (userId) => outcomes.get(userId) ?? { userId, reason: 'not as desired after the write' },
  );
}

/** What the writes changed: the planned diff minus the agents that still differ. */
export function summarizeApplied(
  diff: SkillDiff,
  failedAgents: FailedAgent[],
): { added: string[]; updated: string[]; removed: string[] } {
  const failed = new Set(failedAgents.map((agent) => agent.userId));
  return {
    added: diff.add.map((agent) => agent.userId).filter((userId) => !failed.has(userId)),
    updated: diff.update.map((agent) => agent.userId).filter((userId) => !failed.has(userId)),
    removed: diff.remove.filter((userId) => !failed.has(userId)),
  };
}
