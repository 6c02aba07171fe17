import type { MembershipScope } from '../domain/membership.ts';
import type { CampaignPolicy } from '../domain/schemas.ts';
import type { AgentPlan, SkillMember } from '../domain/types.ts';
import type { WfmEvent } from '../wfm/cloudevents.ts';
import type { DispatchMessage } from './messages.ts';
import type { AppliedState, AssignmentRecord, CampaignState, DriftCheckRecord } from './model.ts';
import type { Page, PageRequest } from './paging.ts';

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
  /** Records the outcome of the campaign's last scheduled drift check (the campaign state exists). */
  recordDriftCheck(campaignId: string, check: DriftCheckRecord): Promise<void>;
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
  /** CXone's state after the writes (see `confirmedBy`). */
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
  /** Agents the first read (or the trusted picture) did not list that the writes found on the skill. */
  revealed: string[];
  /**
   * What `after` rests on: a CXone read after the writes (`read`), CXone's per-agent answers to writes that all
   * succeeded (`write_results`), or the trusted picture that already held the plan (`trusted_picture`).
   */
  confirmedBy: 'read' | 'write_results' | 'trusted_picture';
}

/**
 * What the campaign's skill held as the service last knew it, trusted instead of a read before the writes: the
 * members of the campaign's last applied state (its own and the others), while that state and a clean drift check
 * are both younger than the campaign's drift-check interval.
 */
export interface TrustedSkillPicture {
  members: SkillMember[];
}

/**
 * Converges the campaign's CXone skill to a plan within the campaign's membership (read, diff, write, a verifying
 * read when the answers leave doubt; load balancing on capacity conflicts). With `trusted`, the read before the
 * writes is skipped unless an answer shows the picture stale. Throws RetryLaterError or PermanentRefusalError
 * (lib/app/errors.ts).
 */
export interface CampaignConverger {
  converge(
    target: ConvergeTarget,
    plan: AgentPlan[],
    context: ConvergeContext,
    scope: MembershipScope,
    trusted?: TrustedSkillPicture,
  ): Promise<ConvergeOutcome>;
}

/** A member of a campaign's skill as read now; `agentId` where the CXone target knows one. */
export type ReadSkillMember = SkillMember & { agentId?: number };

/**
 * Reads a campaign's CXone skill as it is now (every member the access key may see, and how many it may not); writes
 * nothing. Throws RetryLaterError or PermanentRefusalError (lib/app/errors.ts).
 */
export interface SkillReader {
  readSkill(
    target: ConvergeTarget,
    context: ConvergeContext,
  ): Promise<{ members: ReadSkillMember[]; hiddenAgents: number }>;
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

/** A campaign policy as stored: the policy, its version (1, 2, … per campaign; the API's ETag) and when written. */
export interface StoredPolicy {
  campaignId: string;
  version: number;
  updatedAt: string;
  policy: CampaignPolicy;
}

export type PolicyWriteOutcome =
  | { kind: 'written'; stored: StoredPolicy }
  /** Another writer got there first: the campaign was created, replaced or deleted meanwhile. */
  | { kind: 'precondition_failed' }
  /** The skill belongs to another campaign. */
  | { kind: 'skill_taken'; heldBy: string };

/**
 * Campaign policies with their history (DynamoDB when deployed). Every write is conditional, so of two writers that
 * read the same version exactly one succeeds; each skill belongs to at most one campaign.
 */
export interface PolicyStore {
  getPolicy(campaignId: string): Promise<StoredPolicy | undefined>;
  /** Every campaign's current policy, by campaignId. Throws InvalidCursorError (paging.ts) for a foreign cursor. */
  listPolicies(page: PageRequest): Promise<Page<StoredPolicy>>;
  /** Every version the campaign ever had, newest first (also those before a deletion). */
  listVersions(campaignId: string, page: PageRequest): Promise<Page<StoredPolicy>>;
  /** The campaign whose policy holds the CXone skill, if any. */
  skillOwner(skillId: number): Promise<string | undefined>;
  /** Stores the policy of a campaign that has none, as the version after the last it ever had, and claims its skill. */
  createPolicy(policy: CampaignPolicy, at: string): Promise<PolicyWriteOutcome>;
  /** Replaces `expected` while it is still the current version; moves the skill claim when the skill changed. */
  replacePolicy(expected: StoredPolicy, policy: CampaignPolicy, at: string): Promise<PolicyWriteOutcome>;
  /** Deletes `expected` while it is still the current version (its history stays) and frees its skill. */
  deletePolicy(expected: StoredPolicy): Promise<{ deleted: boolean }>;
}

/** How every function reads campaign policies: through a cache of at most a few seconds (POLICY_CACHE_SECONDS). */
export interface PolicySource {
  /** The campaign's policy; when `minVersion` is given, never an older version than that (a cache miss then). */
  policyFor(campaignId: string, minVersion?: number): Promise<CampaignPolicy | undefined>;
  /** Every configured campaign's policy. */
  all(): Promise<readonly CampaignPolicy[]>;
}

/** A CXone skill as far as a campaign policy cares. */
export interface SkillFacts {
  skillId: number;
  name: string;
  outbound: boolean;
  /** Outbound strategy Personal Connection: the dialer of a preview campaign. */
  personalConnection: boolean;
}

export type SkillLookupResult =
  | { kind: 'found'; skill: SkillFacts }
  | { kind: 'not_found' }
  /** The configured CXone target has no skill lookup (the `campaign-agents` contract). */
  | { kind: 'unsupported' };

/** Reads a skill from CXone. Throws RetryLaterError or PermanentRefusalError (lib/app/errors.ts). */
export interface SkillLookup {
  lookup(skillId: number, context: ConvergeContext): Promise<SkillLookupResult>;
}
