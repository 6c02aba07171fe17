// Who owns the members of a campaign's CXone skill, and the change set a converge may make under that ownership.
import { diffSkillAssignments } from './diff.ts';
import { compareUserIds } from './planner.ts';
import type { CampaignPolicy } from './schemas.ts';
import type { SkillAssignment, SkillDiff, SkillMember } from './types.ts';
import type { MembershipMode } from './vocabulary.ts';

export const DEFAULT_MEMBERSHIP: MembershipMode = 'managed';

export function membershipOf(policy: Pick<CampaignPolicy, 'membership'>): MembershipMode {
  return policy.membership ?? DEFAULT_MEMBERSHIP;
}

/** Which members of the skill a converge may touch besides the desired agents. */
export interface MembershipScope {
  mode: MembershipMode;
  /**
   * Agents of the campaign's earlier desired states not yet known to be off the skill. With the desired agents they
   * are the campaign's own; in `managed` mode nobody else is written to.
   */
  managed: readonly string[];
}

export interface MembershipDiff extends SkillDiff {
  /**
   * userIds on the skill that are neither desired nor managed, sorted: left alone in `managed` mode; in `exclusive`
   * mode they are also in `remove`.
   */
  foreign: string[];
  /**
   * Managed agents, not desired, that the read did not list, sorted. Their removal is still attempted: a read may
   * leave out hidden members, and perhaps inactive ones.
   */
  unlisted: string[];
}

/**
 * The diff of `current` to `desired` restricted to what the campaign owns: in `managed` mode only the desired and
 * managed agents are added, updated or removed (a member set by hand, even with a proficiency the service never
 * writes, is left as it is); in `exclusive` mode every member not desired is removed.
 */
export function diffMembership(
  current: readonly SkillMember[],
  desired: readonly SkillAssignment[],
  scope: MembershipScope,
): MembershipDiff {
  const desiredIds = new Set(desired.map((agent) => agent.userId));
  const owned = new Set([...scope.managed, ...desiredIds]);
  const listed = new Set(current.map((member) => member.userId));
  const foreign = [...listed].filter((userId) => !owned.has(userId)).sort(compareUserIds);
  const touchable =
    scope.mode === 'exclusive' ? current : current.filter((member) => owned.has(member.userId));
  const unlisted = [...new Set(scope.managed)]
    .filter((userId) => !desiredIds.has(userId) && !listed.has(userId))
    .sort(compareUserIds);
  return { ...diffSkillAssignments(touchable, desired), foreign, unlisted };
}

/** The members of `current` that are not the campaign's: neither desired nor managed. */
export function foreignMembers(
  current: readonly SkillMember[],
  desired: readonly SkillAssignment[],
  managed: readonly string[],
): SkillMember[] {
  const owned = new Set([...managed, ...desired.map((agent) => agent.userId)]);
  return current
    .filter((member) => !owned.has(member.userId))
    .map((member) => ({ ...member }))
    .sort((a, b) => compareUserIds(a.userId, b.userId));
}

/**
 * Whether a skill read that leaves out an agent known to hold `state` (CXone confirmed its write) says nothing against
 * it: CXone's skill-agent read is not known to list inactive members, and never lists members hidden from the access
 * key (which ones it hides, CXone does not say).
 */
export function unlistedMayHold(state: Pick<SkillAssignment, 'isActive'>, hiddenAgents: number): boolean {
  return !state.isActive || hiddenAgents > 0;
}
