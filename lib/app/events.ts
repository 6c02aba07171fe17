import { diffSkillAssignments } from '../domain/diff.ts';
import { compareUserIds } from '../domain/planner.ts';
import type { SkillAssignment } from '../domain/types.ts';
import {
  buildAgentEvent,
  buildAssignmentEvent,
  buildCampaignEvent,
  type WfmEvent,
} from '../wfm/cloudevents.ts';
import type { AssignmentRecord } from './model.ts';
import type { AgentChange as AgentChangeKind, FinalStatus } from './vocabulary.ts';

export interface AgentChange {
  change: AgentChangeKind;
  userId: string;
  isActive?: boolean;
  proficiency?: number;
}

/** Per-agent changes between CXone's state before and after the writes, sorted by userId. */
export function agentChanges(
  before: readonly SkillAssignment[],
  after: readonly SkillAssignment[],
): AgentChange[] {
  const diff = diffSkillAssignments(before, after);
  const previous = new Map(before.map((a) => [a.userId, a]));
  const changes: AgentChange[] = [
    ...diff.add.map(({ userId, isActive, proficiency }) => ({
      change: 'added' as const,
      userId,
      isActive,
      proficiency,
    })),
    ...diff.update.map(({ userId, isActive, proficiency }) => {
      const change: AgentChangeKind =
        previous.get(userId)?.isActive === isActive ? 'updated' : isActive ? 'activated' : 'deactivated';
      return { change, userId, isActive, proficiency };
    }),
    ...diff.remove.map((userId) => ({ change: 'removed' as const, userId })),
  ];
  return changes.sort((a, b) => compareUserIds(a.userId, b.userId));
}

export interface FinalEventInput {
  record: AssignmentRecord;
  status: FinalStatus;
  time: Date;
  changes: AgentChange[];
  dropped: string[];
  /** First of the per-campaign sequence numbers reserved for the per-agent events. */
  firstSequence: number;
  latencyMs?: number;
  callRateTarget?: number;
  details?: Record<string, unknown>;
}

/**
 * Every WFM event one final status produces: per-agent changes (with a per-campaign sequence), the agents dropped by
 * load balancing, then the final event (`campaign.rebalanced` for an applied rebalance, else `assignment.<status>`).
 */
export function buildFinalEvents(input: FinalEventInput): WfmEvent[] {
  const { record, status, time } = input;
  const facts = {
    assignmentId: record.assignmentId,
    campaignId: record.campaignId,
    time,
    ...(input.latencyMs === undefined ? {} : { latencyMs: input.latencyMs }),
    ...(input.callRateTarget === undefined ? {} : { callRateTarget: input.callRateTarget }),
  };
  const events = input.changes.map(({ change, userId, ...state }, i) =>
    buildAgentEvent({ ...facts, change, status, userId, sequence: input.firstSequence + i, details: state }),
  );
  if (input.dropped.length > 0) {
    events.push(
      buildCampaignEvent({
        ...facts,
        change: 'agents_dropped',
        status,
        details: { droppedAgents: input.dropped },
      }),
    );
  }
  const details = { kind: record.kind, ...(input.details ?? {}) };
  const rebalanced = record.kind === 'rebalance' && (status === 'applied' || status === 'partially_applied');
  events.push(
    rebalanced
      ? buildCampaignEvent({ ...facts, change: 'rebalanced', status, details })
      : buildAssignmentEvent({ ...facts, status, details }),
  );
  return events;
}
