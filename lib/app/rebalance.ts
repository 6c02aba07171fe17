import { randomUUID } from 'node:crypto';
import { diffSkillAssignments, isEmptyDiff } from '../domain/diff.ts';
import { planActiveAgents, toSkillAssignments } from '../domain/planner.ts';
import type { CampaignPolicy } from '../domain/schemas.ts';
import { IDEMPOTENCY_TAKEOVER_MS } from './idempotency.ts';
import type { AssignmentRecord } from './model.ts';
import type { AssignmentStore, Clock, DispatchQueue } from './ports.ts';
import type { AssignmentStatus } from './vocabulary.ts';

export interface RebalanceDeps {
  store: AssignmentStore;
  queue: DispatchQueue;
  clock: Clock;
  newId?: () => string;
}

export type CampaignRebalance =
  | { campaignId: string; action: 'enqueued'; assignmentId: string; changes: number }
  /** The latest assignment was stored but its dispatch message never sent (its writer died): sent now. */
  | { campaignId: string; action: 'requeued'; assignmentId: string }
  | { campaignId: string; action: 'unchanged' | 'no_desired_state' | 'pending' | 'rejected' | 'raced' };

/** Statuses after which the campaign's desired state may be re-applied as time moves windows open and shut. */
const REBALANCEABLE = new Set<AssignmentStatus>(['applied', 'partially_applied', 'failed']);

/**
 * Queued and never sent for longer than a submission's own retry would wait (IDEMPOTENCY_TAKEOVER_MS): the request
 * that stored it failed between the table and the queue. SQS FIFO deduplicates by assignment id, so a late send of
 * the original cannot double it.
 */
function isStranded(record: AssignmentRecord, now: Date): boolean {
  return (
    record.status === 'queued' &&
    record.enqueuedAt === undefined &&
    now.getTime() - Date.parse(record.submittedAt) >= IDEMPOTENCY_TAKEOVER_MS
  );
}

/**
 * One campaign with a desired state: plan for now, and when the active set or proficiencies differ from what was
 * last applied, queue a dispatch (same FIFO group as submissions) that ends in a `rebalanced` event. The scheduler
 * calls it for each campaign that is due (lib/app/campaign-due.ts).
 */
export async function rebalanceCampaign(
  deps: RebalanceDeps,
  policy: CampaignPolicy,
): Promise<CampaignRebalance> {
  const { campaignId } = policy;
  const state = await deps.store.getCampaignState(campaignId);
  if (!state) return { campaignId, action: 'no_desired_state' };
  const latest = await deps.store.getAssignment(state.latestAssignmentId);
  const now = deps.clock.now();
  if (latest && isStranded(latest, now)) {
    const at = now.toISOString();
    await deps.queue.send({
      assignmentId: latest.assignmentId,
      campaignId,
      kind: latest.kind,
      enqueuedAt: at,
    });
    await deps.store.markEnqueued(latest.assignmentId, at);
    return { campaignId, action: 'requeued', assignmentId: latest.assignmentId };
  }
  if (!latest || !REBALANCEABLE.has(latest.status)) {
    return { campaignId, action: latest?.status === 'rejected' ? 'rejected' : 'pending' };
  }
  // Agents the last rebalance could not change (CXone refused them, or load balancing dropped them) are left out of
  // the comparison, or every run would queue the same doomed change again; a new submission retries them.
  const settled = new Set(
    latest.kind === 'rebalance'
      ? [...(latest.result?.failedAgents ?? []).map((f) => f.userId), ...(latest.result?.dropped ?? [])]
      : [],
  );
  const unsettled = (a: { userId: string }) => !settled.has(a.userId);
  const desired = toSkillAssignments(planActiveAgents(policy, state.desired, now)).filter(unsettled);
  const diff = diffSkillAssignments((state.lastApplied?.assignments ?? []).filter(unsettled), desired);
  if (isEmptyDiff(diff)) return { campaignId, action: 'unchanged' };

  const at = now.toISOString();
  const record: AssignmentRecord = {
    assignmentId: (deps.newId ?? randomUUID)(),
    campaignId,
    kind: 'rebalance',
    status: 'queued',
    submittedAt: at,
    updatedAt: at,
    agentsRequested: state.desired.agents.length,
    desired: state.desired,
  };
  if (!(await deps.store.createRebalance(record, state.latestAssignmentId)))
    return { campaignId, action: 'raced' };
  await deps.queue.send({ assignmentId: record.assignmentId, campaignId, kind: 'rebalance', enqueuedAt: at });
  await deps.store.markEnqueued(record.assignmentId, at);
  return {
    campaignId,
    action: 'enqueued',
    assignmentId: record.assignmentId,
    changes: diff.add.length + diff.update.length + diff.remove.length,
  };
}
