import type { Submission } from '../domain/schemas.ts';
import type { SkillAssignment } from '../domain/types.ts';
import type { WfmEvent } from '../wfm/cloudevents.ts';

export const FINAL_STATUSES = ['applied', 'partially_applied', 'rejected', 'failed', 'superseded'] as const;
export type FinalStatus = (typeof FINAL_STATUSES)[number];
export type AssignmentStatus = 'queued' | 'dispatching' | FinalStatus;

export function isFinalStatus(status: AssignmentStatus): status is FinalStatus {
  return (FINAL_STATUSES as readonly string[]).includes(status);
}

export type AssignmentKind = 'submission' | 'rebalance';

export interface FailedAgent {
  userId: string;
  reason: string;
}

export interface AssignmentResult {
  active: string[];
  inactive: string[];
  added: string[];
  updated: string[];
  removed: string[];
  dropped: string[];
  failedAgents: FailedAgent[];
  cxoneReads: number;
  cxoneWrites: number;
  verified: boolean;
}

export interface AssignmentLatency {
  queueWaitMs: number;
  cxoneMs: number;
  totalMs: number;
}

export interface AssignmentRecord {
  assignmentId: string;
  campaignId: string;
  kind: AssignmentKind;
  status: AssignmentStatus;
  submittedAt: string;
  updatedAt: string;
  agentsRequested: number;
  desired: Submission;
  /** When the dispatch message was sent; absent while the submission is still in flight. */
  enqueuedAt?: string;
  result?: AssignmentResult;
  latencyMs?: number;
  latency?: AssignmentLatency;
  error?: string;
  /** WFM events decided with the final status, kept until they are on the WFM queue (at-least-once). */
  pendingEvents?: WfmEvent[];
}

export interface AppliedState {
  assignmentId: string;
  assignments: SkillAssignment[];
  appliedAt: string;
}

export interface CampaignState {
  campaignId: string;
  latestAssignmentId: string;
  desired: Submission;
  submittedAt: string;
  lastApplied?: AppliedState;
}
