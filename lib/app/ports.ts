import type { MembershipScope } from '../domain/membership.ts';
import type { AgentPlan, SkillMember } from '../domain/types.ts';
import type { WfmEvent } from '../wfm/cloudevents.ts';
import type { DispatchMessage } from './messages.ts';
import type { AppliedState, AssignmentRecord, CampaignState } from './model.ts';

export interface IdempotencyClaim {
  key: string;
  bodyHash: string;
}

export type CreateAssignmentOutcome =
  | { created: true }
  | { created: false; existingAssignmentId: string; existingBodyHash: string; claimedAt: string };

/** Persistence of assignments and per-campaign desired state (DynamoDB when deployed). */
export interface AssignmentStore {
  /** Stores the assignment and makes it the campaign's latest desired state, atomically with the idempotency claim. */
  createAssignment(
    record: AssignmentRecord,
    idempotency?: IdempotencyClaim,
  ): Promise<CreateAssignmentOutcome>;
  /** Like createAssignment, but only while the campaign's latest assignment is still `expectedLatest`. */
  createRebalance(record: AssignmentRecord, expectedLatest: string): Promise<boolean>;
  getAssignment(assignmentId: string): Promise<AssignmentRecord | undefined>;
  getCampaignState(campaignId: string): Promise<CampaignState | undefined>;
  /** Applies `patch` only when the stored status is one of `fromStatuses`; returns whether it did. */
  updateAssignment(
    assignmentId: string,
    patch: Partial<AssignmentRecord>,
    fromStatuses: AssignmentRecord['status'][],
  ): Promise<boolean>;
  markEnqueued(assignmentId: string, enqueuedAt: string): Promise<void>;
  clearPendingEvents(assignmentId: string): Promise<void>;
  /** Sets the campaign's managed agents (the campaign state exists). */
  recordManaged(campaignId: string, managedAgents: string[]): Promise<void>;
  /** Records what was applied and, in the same write, the managed agents that remain. */
  recordApplied(campaignId: string, applied: AppliedState, managedAgents: string[]): Promise<void>;
  /** Reserves `count` consecutive per-campaign sequence numbers and returns the first. */
  reserveSequence(campaignId: string, count: number): Promise<number>;
}

export interface DispatchQueue {
  send(message: DispatchMessage): Promise<void>;
}

export interface WfmEventQueue {
  sendAll(events: WfmEvent[]): Promise<void>;
}

export interface Clock {
  now(): Date;
}

export interface ConvergeTarget {
  campaignId: string;
  skillId: number;
}

export interface ConvergeContext {
  correlationId: string;
  /** Epoch ms that no CXone call or retry may outlive. */
  deadline: number;
}

export interface ConvergeOutcome {
  /** The plan actually applied (after any load balancing). */
  plan: AgentPlan[];
  dropped: string[];
  before: SkillMember[];
  /** CXone's state as read back after the writes. */
  after: SkillMember[];
  added: string[];
  updated: string[];
  removed: string[];
  failedAgents: Array<{ userId: string; reason: string }>;
  reads: number;
  writes: number;
  verified: boolean;
  cxoneMs: number;
  /** Members CXone did not show the access key. */
  hiddenAgents: number;
  /** Members of `after` that are not the campaign's (neither desired nor managed). */
  foreign: SkillMember[];
  /** Managed agents, no longer desired, now known to be off the skill. */
  released: string[];
  /** Agents the first read did not list that the writes found on the skill. */
  revealed: string[];
}

/**
 * Converges the campaign's CXone skill to a plan within the campaign's membership (read, diff, write, verify; load
 * balancing on capacity conflicts). Throws RetryLaterError or PermanentRefusalError (lib/app/errors.ts).
 */
export interface CampaignConverger {
  converge(
    target: ConvergeTarget,
    plan: AgentPlan[],
    context: ConvergeContext,
    scope: MembershipScope,
  ): Promise<ConvergeOutcome>;
}

export interface AuditEntry {
  action: string;
  assignmentId: string;
  campaignId: string;
  userId?: string;
  reason?: string;
  [detail: string]: unknown;
}

export interface DispatchObserver {
  audit(entry: AuditEntry): void;
  latency(latency: { queueWaitMs: number; cxoneMs: number; totalMs: number }): void;
  outcome(status: string): void;
}
