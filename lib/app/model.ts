import type { z } from 'zod';
import type { Submission } from '../domain/schemas.ts';
import type { SkillAssignment } from '../domain/types.ts';
import type { WfmEvent } from '../wfm/cloudevents.ts';
import type {
  AssignmentLatencySchema,
  AssignmentResultSchema,
  AssignmentStatusSchema,
} from './api-schemas.ts';

export type AssignmentStatus = z.infer<typeof AssignmentStatusSchema>;
export const FINAL_STATUSES = ['applied', 'partially_applied', 'rejected', 'failed', 'superseded'] as const;
export type FinalStatus = (typeof FINAL_STATUSES)[number];

export function isFinalStatus(status: AssignmentStatus): status is FinalStatus {
  return (FINAL_STATUSES as readonly string[]).includes(status);
}

export type AssignmentKind = 'submission' | 'rebalance';

export type AssignmentResult = z.infer<typeof AssignmentResultSchema>;
export type AssignmentLatency = z.infer<typeof AssignmentLatencySchema>;

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
