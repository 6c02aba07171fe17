// Load balancing after CXone reports a capacity conflict: fewer active agents, bounded, never recursive.
import { compareByRank } from './planner.ts';
import type { AgentPlan } from './types.ts';

/** The caller re-plans and re-dispatches at most this many times for one assignment. */
export const MAX_BALANCING_ROUNDS = 2;

/**
 * Keeps at most `limit` active agents (best capacity score first, ties by userId); without a usable limit (CXone
 * gave none: undefined or not a finite number) drops the lowest-scoring quarter of the active agents, rounded down
 * but at least one. Dropped agents become inactive with reason `dropped_capacity_conflict`; `dropped` lists their
 * userIds sorted. The plan keeps its order; input objects are not modified. When nothing is dropped (no active
 * agents, or `limit` ≥ the active count) the plan is returned unchanged with `dropped: []`: the caller must stop.
 */
export function balanceOnConflict(
  plan: readonly AgentPlan[],
  limit?: number,
): { plan: AgentPlan[]; dropped: string[] } {
  const ranked = plan.filter((agent) => agent.active).sort(compareByRank);
  const keep =
    limit !== undefined && Number.isFinite(limit)
      ? Math.max(0, Math.floor(limit))
      : ranked.length - Math.max(1, Math.floor(ranked.length / 4));
  const droppedAgents = new Set(ranked.slice(Math.max(0, keep)));
  if (droppedAgents.size === 0) return { plan: [...plan], dropped: [] };
  const balanced = plan.map((agent) =>
    droppedAgents.has(agent)
      ? { ...agent, active: false, reason: 'dropped_capacity_conflict' as const }
      : agent,
  );
  const dropped = [...droppedAgents].map((agent) => agent.userId).sort();
  return { plan: balanced, dropped };
}
