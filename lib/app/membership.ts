// The campaign's membership across dispatches: which agents it manages, what a converge leaves to others, and what a
// converge under exclusive membership cannot vouch for.
import { driftCheckMinutesOf } from '../domain/drift-policy.ts';
import { type MembershipScope, membershipOf } from '../domain/membership.ts';
import { compareUserIds } from '../domain/planner.ts';
import type { CampaignPolicy } from '../domain/schemas.ts';
import type { SkillMember } from '../domain/types.ts';
import type { AppliedState, AssignmentRecord, CampaignState } from './model.ts';
import type { ConvergeOutcome, TrustedSkillPicture } from './ports.ts';

/**
 * The membership scope of a dispatch: the agents managed so far (those of every desired state dispatched, less those
 * known to be off the skill) and this desired state's. `added` are the ones not managed before: the caller records
 * them before any CXone write, so that an agent the service wrote is never forgotten, even if the dispatch is cut
 * short and then superseded.
 */
export function membershipFor(
  policy: CampaignPolicy,
  campaign: CampaignState | undefined,
  record: AssignmentRecord,
): { scope: MembershipScope; added: string[] } {
  const stored = campaign?.managedAgents ?? [];
  const known = new Set(stored);
  const added = [...new Set(record.desired.agents.map((agent) => agent.userId))].filter((u) => !known.has(u));
  return {
    scope: { mode: membershipOf(policy), managed: [...stored, ...added].sort(compareUserIds) },
    added,
  };
}

/**
 * What the campaign state keeps of a converge: the campaign's own members, the others as read, and the managed
 * agents that remain (those CXone is now known not to hold are released, so that a supervisor who later adds one
 * of them by hand is not overruled).
 */
export function appliedStateOf(
  outcome: ConvergeOutcome,
  scope: MembershipScope,
  assignmentId: string,
  appliedAt: string,
): { applied: AppliedState; managedAgents: string[] } {
  const foreign = new Set(outcome.foreign.map((member) => member.userId));
  const released = new Set(outcome.released);
  return {
    applied: {
      assignmentId,
      assignments: outcome.after.filter((member) => !foreign.has(member.userId)),
      foreignAgents: outcome.foreign,
      hiddenAgents: outcome.hiddenAgents,
      appliedAt,
    },
    managedAgents: scope.managed.filter((userId) => !released.has(userId)),
  };
}

/**
 * CXone's state before the writes, for the per-agent events: the first read, plus what was last applied for agents
 * that read did not list but the writes found on the skill (hidden, or inactive and not listed).
 */
export function stateBefore(outcome: ConvergeOutcome, lastApplied: AppliedState | undefined): SkillMember[] {
  const listed = new Set(outcome.before.map((member) => member.userId));
  const revealed = new Set(outcome.revealed.filter((userId) => !listed.has(userId)));
  return [
    ...outcome.before,
    ...lastAppliedMembers(lastApplied).filter((member) => revealed.has(member.userId)),
  ];
}

/** Every member the last applied state recorded, the campaign's and the others. */
export function lastAppliedMembers(lastApplied: AppliedState | undefined): SkillMember[] {
  return [...(lastApplied?.assignments ?? []), ...(lastApplied?.foreignAgents ?? [])];
}

/**
 * The agents a converge's per-agent events may be about: the campaign's own and those it removed. A member that is
 * not the campaign's and that the two reads saw differently (hidden in one of them) is not a change the service made.
 */
export function ownedBy(scope: MembershipScope, outcome: ConvergeOutcome): Set<string> {
  return new Set([...scope.managed, ...outcome.plan.map((agent) => agent.userId), ...outcome.removed]);
}

/** Under exclusive membership a member the access key cannot see may be anyone: the skill is not known to be right. */
export function unseenMembers(
  scope: MembershipScope,
  outcome: ConvergeOutcome,
  skillId: number,
): string | undefined {
  if (scope.mode !== 'exclusive' || outcome.hiddenAgents === 0) return undefined;
  return (
    `exclusive membership: ${outcome.hiddenAgents} member(s) of skill ${skillId} are hidden from the access key, ` +
    'so the skill cannot be checked to hold only the desired agents'
  );
}

/**
 * The picture of the campaign's skill a dispatch may write from without reading CXone first: the last applied state,
 * while it is younger than the campaign's drift-check interval, and only after a drift check no older than that
 * found CXone in sync with nothing hidden. The service never trusts its own record over CXone for longer than one
 * drift check. Not for a retry of an interrupted dispatch (its writes may be half done), a repair (drift was found)
 * or a policy change (the skill or the membership may have changed); not after a check of another skill (the
 * policy moved the campaign since, and a dispatch superseding its policy change may carry the old skill's picture);
 * not while members were hidden.
 */
export function trustedPictureOf(
  policy: CampaignPolicy,
  campaign: CampaignState | undefined,
  record: AssignmentRecord,
  now: Date,
): TrustedSkillPicture | undefined {
  const applied = campaign?.lastApplied;
  const check = campaign?.lastDriftCheck;
  if (!applied || !check?.inSync || (applied.hiddenAgents ?? 0) > 0) return undefined;
  // A check of another skill says nothing of this one (the policy moved the campaign since).
  if (check.skillId !== policy.cxoneSkillId) return undefined;
  if (record.status !== 'queued' || record.kind === 'repair' || record.kind === 'policy_change')
    return undefined;
  const intervalMs = driftCheckMinutesOf(policy) * 60_000;
  const young = (at: string) => {
    const age = now.getTime() - Date.parse(at);
    return age >= 0 && age < intervalMs;
  };
  if (!young(applied.appliedAt) || !young(check.checkedAt)) return undefined;
  return { members: lastAppliedMembers(applied) };
}
