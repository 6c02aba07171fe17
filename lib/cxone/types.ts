import type { SkillAssignment } from '../domain/types.ts';

/** Where one campaign's agents live in CXone: the campaign id (campaign-agents target) and its outbound skill. */
export interface CampaignTarget {
  campaignId: string;
  skillId: number;
}

export interface CallContext {
  /** Sent as the `CorrelationId` header on every call (CXone echoes it); use the assignmentId. */
  correlationId: string;
  /** Epoch ms. No request starts and no retry sleeps past it; the caller then re-queues the message. */
  deadline: number;
}

/** An agent CXone still differs for after the writes, and why (CXone's per-agent error when it gave one). */
export interface FailedAgent {
  userId: string;
  reason: string;
}

export interface ConvergeResult {
  /** API reads made: skill-agent reads (first and verifying) and agent-directory pages; not token or discovery. */
  reads: number;
  /** Write requests made; 0 when CXone already matched the desired state. */
  writes: number;
  added: string[];
  updated: string[];
  removed: string[];
  failedAgents: FailedAgent[];
  /** The verifying read matches the desired state exactly. */
  verified: boolean;
  /** CXone's state at the first read, before any write (for per-agent events: activated, deactivated…). */
  before: SkillAssignment[];
  /** CXone's state after the verifying read (or the first read when nothing was written). */
  current: SkillAssignment[];
  /** Wall time spent in CXone calls for this converge, including retries. */
  cxoneMs: number;
}

/** A CXone skill as `GET /skills/{skillId}` describes it (the fields the service looks at). */
export interface CxoneSkill {
  skillId: number;
  skillName: string;
  isOutbound: boolean;
  /** e.g. `Personal Connection` for a preview/predictive dialer skill; empty or absent for inbound skills. */
  outboundStrategy?: string;
  isActive?: boolean;
}

/** What the dispatcher uses, whatever the target. Create one per Lambda container and reuse it (token cache). */
export interface CxoneAssignmentClient {
  readonly target: 'admin' | 'campaign-agents';
  /** Read → diff → write only the differences → verifying read. Throws the errors of ./errors.ts. */
  converge(target: CampaignTarget, desired: SkillAssignment[], ctx: CallContext): Promise<ConvergeResult>;
  /**
   * The skill's description, or undefined when CXone does not know the skill (404). The `campaign-agents` target
   * has no skill lookup and throws CxoneUnsupportedError.
   */
  getSkill(skillId: number, ctx: CallContext): Promise<CxoneSkill | undefined>;
}

/** The part of the client that converges a skill (what load balancing and the dispatcher's adapter need). */
export type CxoneConvergeClient = Pick<CxoneAssignmentClient, 'target' | 'converge'>;
