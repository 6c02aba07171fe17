// A CampaignConverger over an in-memory CXone: one assignment set per skill, converged by diff like the real client,
// within the campaign's membership (managed: only desired and managed agents are written). It can refuse agents
// (per-agent partial failure), cap active agents (a capacity conflict answered by load balancing), report members
// hidden from the access key and fail whole calls with scripted errors.
import type {
  CampaignConverger,
  ConvergeContext,
  ConvergeOutcome,
  ConvergeTarget,
  TrustedSkillPicture,
} from '../../lib/app/ports.ts';
import { isEmptyDiff } from '../../lib/domain/diff.ts';
import { balanceOnConflict } from '../../lib/domain/load-balance.ts';
import { diffMembership, foreignMembers, type MembershipScope } from '../../lib/domain/membership.ts';
import { compareUserIds, toSkillAssignments } from '../../lib/domain/planner.ts';
import type { AgentPlan, SkillAssignment } from '../../lib/domain/types.ts';

export interface ConvergeCall {
  target: ConvergeTarget;
  plan: AgentPlan[];
  context: ConvergeContext;
  scope: MembershipScope;
  trusted?: TrustedSkillPicture;
}

export class FakeCampaignConverger implements CampaignConverger {
  readonly calls: ConvergeCall[] = [];
  /** userId → reason CXone gives when refusing to add or update that agent. */
  readonly refused = new Map<string, string>();
  /** Most active agents CXone accepts on a skill; more makes it drop the lowest-ranked (load balancing). */
  capacityLimit: number | undefined;
  /** What CXone reports as `hiddenAgents` (nobody is actually left out of the reads here). */
  hiddenAgents = 0;
  cxoneMs = 250;
  private readonly skills = new Map<number, Map<string, SkillAssignment>>();
  private readonly failures: Error[] = [];

  /** The next converge call(s) throw these errors, in order, without touching CXone. */
  failNext(...errors: Error[]): void {
    this.failures.push(...errors);
  }

  /** What CXone has on the skill now, sorted by userId. */
  state(skillId: number): SkillAssignment[] {
    return [...this.skill(skillId).values()]
      .map((assignment) => ({ ...assignment }))
      .sort((a, b) => compareUserIds(a.userId, b.userId));
  }

  setState(skillId: number, assignments: SkillAssignment[]): void {
    this.skills.set(
      skillId,
      new Map(assignments.map((assignment) => [assignment.userId, { ...assignment }])),
    );
  }

  async converge(
    target: ConvergeTarget,
    plan: AgentPlan[],
    context: ConvergeContext,
    scope: MembershipScope,
    trusted?: TrustedSkillPicture,
  ): Promise<ConvergeOutcome> {
    this.calls.push(structuredClone({ target, plan, context, scope, ...(trusted ? { trusted } : {}) }));
    const failure = this.failures.shift();
    if (failure) throw failure;

    let applied = plan;
    let dropped: string[] = [];
    const active = plan.filter((agent) => agent.active).length;
    if (this.capacityLimit !== undefined && active > this.capacityLimit) {
      ({ plan: applied, dropped } = balanceOnConflict(plan, this.capacityLimit));
    }

    const before = this.state(target.skillId);
    const desired = toSkillAssignments(applied);
    const diff = diffMembership(before, desired, scope);
    const skill = this.skill(target.skillId);
    const failedAgents: Array<{ userId: string; reason: string }> = [];
    const accept = (assignment: SkillAssignment): boolean => {
      const reason = this.refused.get(assignment.userId);
      if (reason !== undefined) failedAgents.push({ userId: assignment.userId, reason });
      else skill.set(assignment.userId, { ...assignment });
      return reason === undefined;
    };
    for (const userId of diff.remove) skill.delete(userId);
    const updated = diff.update.filter(accept).map((a) => a.userId);
    const added = diff.add.filter(accept).map((a) => a.userId);
    const writes = [diff.remove, diff.update, diff.add].filter((part) => part.length > 0).length;
    const after = this.state(target.skillId);
    const desiredIds = new Set(desired.map((agent) => agent.userId));
    // Reads as the admin client makes them: none before the writes from a trusted picture that is right (one when
    // it is not), one before them otherwise; a verifying read only when an answer leaves doubt.
    const pictureRight =
      trusted !== undefined && JSON.stringify(sortedMembers(trusted.members)) === JSON.stringify(before);
    const doubt = failedAgents.length > 0 || (scope.mode === 'exclusive' && this.hiddenAgents > 0);
    const wrote = !isEmptyDiff(diff);
    const confirmedBy: ConvergeOutcome['confirmedBy'] = !wrote
      ? pictureRight
        ? 'trusted_picture'
        : 'read'
      : doubt
        ? 'read'
        : 'write_results';
    return {
      plan: applied,
      dropped,
      before,
      after,
      added,
      updated,
      removed: diff.remove,
      failedAgents,
      reads: (pictureRight ? 0 : 1) + (wrote && doubt ? 1 : 0),
      writes,
      verified: failedAgents.length === 0 && !(scope.mode === 'exclusive' && this.hiddenAgents > 0),
      cxoneMs: this.cxoneMs,
      hiddenAgents: this.hiddenAgents,
      foreign: foreignMembers(after, desired, scope.managed),
      released: scope.managed.filter((u) => !desiredIds.has(u) && !skill.has(u)),
      revealed: [],
      confirmedBy,
    };
  }

  private skill(skillId: number): Map<string, SkillAssignment> {
    let skill = this.skills.get(skillId);
    if (!skill) {
      skill = new Map();
      this.skills.set(skillId, skill);
    }
    return skill;
  }
}

function sortedMembers(members: readonly SkillAssignment[]): SkillAssignment[] {
  return [...members]
    .map(({ userId, isActive, proficiency }) => ({ userId, isActive, proficiency }))
    .sort((a, b) => compareUserIds(a.userId, b.userId));
}
