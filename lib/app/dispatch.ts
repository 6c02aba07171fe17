import { planActiveAgents } from '../domain/planner.ts';
import type { CampaignPolicy } from '../domain/schemas.ts';
import type { SkillMember } from '../domain/types.ts';
import { auditConverge } from './dispatch-audit.ts';
import { PermanentRefusalError, RetryLaterError } from './errors.ts';
import { type AgentChange, agentChanges, buildFinalEvents } from './events.ts';
import {
  appliedStateOf,
  lastAppliedMembers,
  membershipFor,
  ownedBy,
  stateBefore,
  trustedPictureOf,
  unseenMembers,
} from './membership.ts';
import type { DispatchMessage } from './messages.ts';
import type { AssignmentRecord, AssignmentResult } from './model.ts';
import type {
  AssignmentStore,
  CampaignConverger,
  Clock,
  ConvergeOutcome,
  DispatchObserver,
  WfmEventQueue,
} from './ports.ts';
import { type FinalStatus, isFinalStatus } from './vocabulary.ts';

export interface DispatchDeps {
  store: AssignmentStore;
  converger: CampaignConverger;
  wfm: WfmEventQueue;
  policyFor(campaignId: string, minVersion?: number): Promise<CampaignPolicy | undefined>;
  clock: Clock;
  observer: DispatchObserver;
}

export interface Delivery {
  /** SQS ApproximateReceiveCount of this delivery. */
  receiveCount: number;
  /** The queue's redrive maxReceiveCount: the delivery that reaches it is the last one. */
  maxReceiveCount: number;
  /** When SQS first received the message (SentTimestamp), epoch ms. */
  sentAt: number;
  /** Epoch ms by which this message's work must be done (the invocation's remaining time, less a margin). */
  deadline: number;
}

export type DispatchResult =
  | { outcome: FinalStatus; assignmentId: string }
  | { outcome: 'already_final'; assignmentId: string };

/** Missing data that may still appear (a submission racing its own message); retried through SQS. */
export class AssignmentNotFoundError extends Error {
  constructor(assignmentId: string) {
    super(`Assignment ${assignmentId} is not in the table (yet)`);
    this.name = 'AssignmentNotFoundError';
  }
}

/**
 * Applies one queued desired state to CXone and records the outcome. Safe under at-least-once delivery: a final
 * status is written once (conditional update) together with the WFM events it produces, and those events are
 * re-queued by any later delivery until they are known to be on the WFM queue.
 */
export async function dispatchAssignment(
  deps: DispatchDeps,
  message: DispatchMessage,
  delivery: Delivery,
): Promise<DispatchResult> {
  const { store, clock, observer } = deps;
  const record = await store.getAssignment(message.assignmentId);
  if (!record) throw new AssignmentNotFoundError(message.assignmentId);
  if (isFinalStatus(record.status)) {
    await flushPendingEvents(deps, record);
    return { outcome: 'already_final', assignmentId: record.assignmentId };
  }

  const campaign = await store.getCampaignState(record.campaignId);
  const policy = await deps.policyFor(record.campaignId, record.policyVersion);
  if (!policy) {
    return finish(deps, record, 'rejected', delivery, {
      error: `Campaign ${record.campaignId} is no longer configured`,
    });
  }
  if (campaign && campaign.latestAssignmentId !== record.assignmentId) {
    observer.audit({
      action: 'assignment.superseded',
      assignmentId: record.assignmentId,
      campaignId: record.campaignId,
      reason: `a newer desired state (${campaign.latestAssignmentId}) is queued`,
    });
    return finish(deps, record, 'superseded', delivery, {
      detail: { supersededBy: campaign.latestAssignmentId },
    });
  }

  const startedAt = clock.now();
  await store.updateAssignment(
    record.assignmentId,
    { status: 'dispatching', updatedAt: startedAt.toISOString() },
    ['queued', 'dispatching'],
  );
  const plan = planActiveAgents(policy, record.desired, startedAt);
  const { scope, added } = membershipFor(policy, campaign, record);
  if (campaign && added.length > 0) await store.recordManaged(record.campaignId, [...scope.managed]);
  const trusted = trustedPictureOf(policy, campaign, record, startedAt);
  let outcome: ConvergeOutcome;
  try {
    outcome = await deps.converger.converge(
      { campaignId: record.campaignId, skillId: policy.cxoneSkillId },
      plan,
      { correlationId: record.assignmentId, deadline: delivery.deadline },
      scope,
      trusted,
    );
  } catch (error) {
    if (error instanceof PermanentRefusalError) {
      return finish(deps, record, 'rejected', delivery, { error: error.message });
    }
    const reason = error instanceof Error ? error.message : String(error);
    if (delivery.receiveCount >= delivery.maxReceiveCount) {
      await finish(deps, record, 'failed', delivery, {
        error: `Gave up after ${delivery.receiveCount} attempts: ${reason}`,
      });
    }
    throw error instanceof RetryLaterError ? error : new RetryLaterError(reason, undefined, { cause: error });
  }

  // A delivery that finds the assignment already `dispatching` follows one that was cut short, maybe after its CXone
  // writes: the per-agent changes are then measured from what was applied before, not from CXone's state now.
  const interrupted =
    record.status === 'dispatching' &&
    campaign?.lastApplied !== undefined &&
    campaign.lastApplied.assignmentId !== record.assignmentId;
  const before = interrupted
    ? lastAppliedMembers(campaign?.lastApplied)
    : stateBefore(outcome, campaign?.lastApplied);
  const { applied, managedAgents } = appliedStateOf(
    outcome,
    scope,
    record.assignmentId,
    clock.now().toISOString(),
  );
  await store.recordApplied(record.campaignId, applied, managedAgents);
  auditConverge(observer, record, outcome, scope);
  const unseen = unseenMembers(scope, outcome, policy.cxoneSkillId);
  const status: FinalStatus = outcome.failedAgents.length > 0 || unseen ? 'partially_applied' : 'applied';
  return finish(deps, record, status, delivery, {
    outcome,
    before,
    owned: ownedBy(scope, outcome),
    startedAt,
    ...(unseen ? { error: unseen } : {}),
    callRateTarget: record.desired.callRateTarget ?? policy.callRateTarget,
  });
}

interface FinishDetails {
  outcome?: ConvergeOutcome;
  /** CXone's state before this assignment's writes, when it differs from `outcome.before`. */
  before?: SkillMember[];
  /** The only agents per-agent events may be about (see ownedBy). */
  owned?: ReadonlySet<string>;
  startedAt?: Date;
  error?: string;
  callRateTarget?: number;
  detail?: Record<string, unknown>;
}

function resultOf(outcome: ConvergeOutcome): AssignmentResult {
  return {
    active: outcome.plan.filter((a) => a.active).map((a) => a.userId),
    inactive: outcome.plan.filter((a) => !a.active).map((a) => a.userId),
    added: outcome.added,
    updated: outcome.updated,
    removed: outcome.removed,
    dropped: outcome.dropped,
    failedAgents: outcome.failedAgents,
    hiddenAgents: outcome.hiddenAgents,
    cxoneReads: outcome.reads,
    cxoneWrites: outcome.writes,
    verified: outcome.verified,
  };
}

async function finish(
  deps: DispatchDeps,
  record: AssignmentRecord,
  status: FinalStatus,
  delivery: Delivery,
  details: FinishDetails,
): Promise<DispatchResult> {
  const now = deps.clock.now();
  const changes: AgentChange[] = details.outcome ? changesOf(details.outcome, details) : [];
  const dropped = details.outcome?.dropped ?? [];
  const totalMs = Math.max(0, now.getTime() - Date.parse(record.submittedAt));
  const latency = details.outcome &&
    details.startedAt && {
      queueWaitMs: Math.max(0, details.startedAt.getTime() - delivery.sentAt),
      cxoneMs: details.outcome.cxoneMs,
      totalMs,
    };
  // Every final event carries the call-rate target, whatever the outcome, not only when CXone was reached.
  const callRateTarget =
    details.callRateTarget ??
    record.desired.callRateTarget ??
    (await deps.policyFor(record.campaignId))?.callRateTarget;
  const firstSequence =
    changes.length > 0 ? await deps.store.reserveSequence(record.campaignId, changes.length) : 0;
  const events = buildFinalEvents({
    record,
    status,
    time: now,
    changes,
    dropped,
    firstSequence,
    latencyMs: totalMs,
    ...(callRateTarget === undefined ? {} : { callRateTarget }),
    details: {
      ...(details.error ? { error: details.error } : {}),
      ...(details.outcome
        ? { failedAgents: details.outcome.failedAgents, hiddenAgents: details.outcome.hiddenAgents }
        : {}),
      ...details.detail,
    },
  });
  const wrote = await deps.store.updateAssignment(
    record.assignmentId,
    {
      status,
      updatedAt: now.toISOString(),
      latencyMs: totalMs,
      ...(latency ? { latency } : {}),
      ...(details.outcome ? { result: resultOf(details.outcome) } : {}),
      ...(details.error ? { error: details.error } : {}),
      pendingEvents: events,
    },
    ['queued', 'dispatching'],
  );
  if (!wrote) {
    // Another delivery finished it first; make sure its events are out, and report its outcome.
    const current = await deps.store.getAssignment(record.assignmentId);
    if (current) await flushPendingEvents(deps, current);
    return { outcome: 'already_final', assignmentId: record.assignmentId };
  }
  deps.observer.outcome(status);
  if (latency) deps.observer.latency(latency);
  deps.observer.audit({
    action: `assignment.${status}`,
    assignmentId: record.assignmentId,
    campaignId: record.campaignId,
    kind: record.kind,
    latencyMs: totalMs,
    ...(details.error ? { reason: details.error } : {}),
    ...(details.outcome
      ? {
          cxoneReads: details.outcome.reads,
          cxoneWrites: details.outcome.writes,
          confirmedBy: details.outcome.confirmedBy,
          failedAgents: details.outcome.failedAgents,
          hiddenAgents: details.outcome.hiddenAgents,
        }
      : {}),
  });
  await deps.wfm.sendAll(events);
  await deps.store.clearPendingEvents(record.assignmentId);
  return { outcome: status, assignmentId: record.assignmentId };
}

async function flushPendingEvents(deps: DispatchDeps, record: AssignmentRecord): Promise<void> {
  if (!record.pendingEvents || record.pendingEvents.length === 0) return;
  await deps.wfm.sendAll(record.pendingEvents);
  await deps.store.clearPendingEvents(record.assignmentId);
}

function changesOf(outcome: ConvergeOutcome, details: FinishDetails): AgentChange[] {
  const changes = agentChanges(details.before ?? outcome.before, outcome.after);
  const { owned } = details;
  return owned ? changes.filter((change) => owned.has(change.userId)) : changes;
}
