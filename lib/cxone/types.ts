import type { MembershipScope } from '../domain/membership.ts';
import type { SkillAssignment, SkillMember } from '../domain/types.ts';

export type { MembershipScope } from '../domain/membership.ts';

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
  /** API reads made: skill-agent reads (first and verifying, when made) and agent-directory pages; not token or discovery. */
  reads: number;
  /** Write requests made; 0 when CXone already matched the desired state. */
  writes: number;
  added: string[];
  updated: string[];
  removed: string[];
  failedAgents: FailedAgent[];
  /**
   * CXone holds the desired state for every agent the campaign owns; in `exclusive` mode also nobody else, which
   * cannot be verified while members are hidden from the access key.
   */
  verified: boolean;
  /**
   * CXone's state before any write (for per-agent events: activated, deactivated…): the first read, or the trusted
   * picture; after a stale picture, the read that followed, except for the agents written before it (the picture's).
   */
  before: SkillMember[];
  /**
   * CXone's state after the writes (see `confirmedBy`): the verifying read (or the first read when nothing was written)
   * plus desired agents the read could not show whose own write CXone reported successful (see verify.ts); or the
   * picture the writes were planned from with the writes applied.
   */
  current: SkillMember[];
  /** Members of the skill the access key may not see, as the last read reported (CXone's `hiddenAgents`). */
  hiddenAgents: number;
  /** Members of `current` that are not the campaign's (neither desired nor managed); `managed` mode leaves them be. */
  foreign: SkillMember[];
  /** Managed agents, no longer desired, now known to be off the skill: the caller may stop managing them. */
  released: string[];
  /**
   * Agents the first read (or the trusted picture) did not list whose writes showed them on the skill (their earlier
   * state is unknown).
   */
  revealed: string[];
  /** Wall time spent in CXone calls for this converge, including retries. */
  cxoneMs: number;
  /**
   * What `current` rests on: `read`, a skill read made after the last write (or the first read when nothing was
   * written); `write_results`, CXone's per-agent answers to the writes, applied to the picture they were planned from
   * (every answer a success, nothing hidden that could matter); `trusted_picture`, the caller's trusted picture
   * already held the desired state, so nothing was read or written.
   */
  confirmedBy: ConfirmedBy;
}

export type ConfirmedBy = 'read' | 'write_results' | 'trusted_picture';

/**
 * The skill's members as the caller last knew them (its last applied state, with a drift check since that found
 * CXone in sync and nothing hidden). With one, converge writes without reading first, and reads only when an answer
 * shows the picture stale or leaves doubt.
 */
export interface TrustedPicture {
  members: readonly SkillMember[];
}

export interface ConvergeOptions {
  trusted?: TrustedPicture;
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

/** A skill member as a read lists it; `agentId` where the target knows one (the Admin API does). */
export interface ReadMember extends SkillMember {
  agentId?: number;
}

/** One read of a campaign's skill: every member the access key may see, and how many it may not. */
export interface SkillRead {
  members: ReadMember[];
  /** CXone's `hiddenAgents` (0 for a target that has none). */
  hiddenAgents: number;
}

/** What the dispatcher uses, whatever the target. Create one per Lambda container and reuse it (token cache). */
export interface CxoneAssignmentClient {
  readonly target: 'admin' | 'campaign-agents';
  /**
   * Read → diff → write only the differences → a verifying read only when the answers leave doubt. `scope` says which
   * members are the campaign's to change (default: `managed` with no earlier agents, so only the desired agents are
   * written). With `options.trusted` (the admin target) the first read is skipped: the diff is made from the picture,
   * and an answer that shows it stale makes the converge read → diff → write again. Throws the errors of ./errors.ts.
   */
  converge(
    target: CampaignTarget,
    desired: SkillAssignment[],
    ctx: CallContext,
    scope?: MembershipScope,
    options?: ConvergeOptions,
  ): Promise<ConvergeResult>;
  /**
   * The skill's description, or undefined when CXone does not know the skill (404). The `campaign-agents` target
   * has no skill lookup and throws CxoneUnsupportedError.
   */
  getSkill(skillId: number, ctx: CallContext): Promise<CxoneSkill | undefined>;
  /** The skill's members as converge's first read sees them (every page; CXone's 204 is none); writes nothing. */
  readSkill(target: CampaignTarget, ctx: CallContext): Promise<SkillRead>;
}

/** The part of the client that converges a skill (what load balancing and the dispatcher's adapter need). */
export type CxoneConvergeClient = Pick<CxoneAssignmentClient, 'target' | 'converge'>;
