// How a campaign's CXone skill differs from the plan for now, within what the campaign owns of it.
import { type MembershipScope, unlistedMayHold } from './membership.ts';
import { compareUserIds } from './planner.ts';
import { MAX_CXONE_PROFICIENCY } from './schemas.ts';
import type { SkillAssignment, SkillMember } from './types.ts';
import * as z from './zod.ts';

export const DriftKindSchema = z
  .enum(['missing', 'unexpected', 'changed'])
  .register(z.globalRegistry, { id: 'DriftKind' });
export type DriftKind = z.infer<typeof DriftKindSchema>;

const MemberStateSchema = z.strictObject({
  isActive: z.boolean(),
  proficiency: z.int().check(z.minimum(1), z.maximum(MAX_CXONE_PROFICIENCY)),
});

export const DriftDifferenceSchema = z
  .strictObject({
    userId: z.string(),
    agentId: z.optional(z.int()).register(z.globalRegistry, {
      description: 'CXone’s agentId, where the read listed the member.',
    }),
    kind: DriftKindSchema,
    expected: z.optional(MemberStateSchema).register(z.globalRegistry, {
      description: 'As planned now (missing, changed).',
    }),
    actual: z.optional(MemberStateSchema).register(z.globalRegistry, {
      description: 'As CXone holds it (unexpected, changed).',
    }),
  })
  .register(z.globalRegistry, {
    id: 'DriftDifference',
    description:
      '`missing`: planned, not on the skill; `unexpected`: on the skill and not planned (in managed membership only ' +
      'agents the service manages count); `changed`: another isActive or proficiency than planned.',
  });
export type DriftDifference = z.infer<typeof DriftDifferenceSchema>;

export interface SkillDriftInput {
  /** The plan for now as skill assignments (every desired agent, active or not). */
  planned: readonly SkillAssignment[];
  /** The skill as read now. */
  members: readonly (SkillMember & { agentId?: number })[];
  hiddenAgents: number;
  scope: MembershipScope;
  /** The campaign's members as the last converge left them (read back, or confirmed by CXone's write answers). */
  lastApplied: readonly SkillMember[];
}

const stateOf = (member: SkillMember) => ({ isActive: member.isActive, proficiency: member.proficiency });
const sameState = (a: SkillMember, b: SkillMember) =>
  a.isActive === b.isActive && a.proficiency === b.proficiency;

/**
 * Every difference of the read from the plan, sorted by userId. A planned agent the read leaves out is not missing
 * when the last converge left it in exactly the planned state and the read may not show it (inactive, or members
 * hidden): the same rule the converge's verification applies. Members outside the campaign's scope (foreign ones in
 * `managed` membership) are never a difference.
 */
export function skillDrift(input: SkillDriftInput): DriftDifference[] {
  const listed = new Map(input.members.map((member) => [member.userId, member]));
  const applied = new Map(input.lastApplied.map((member) => [member.userId, member]));
  const plannedIds = new Set(input.planned.map((agent) => agent.userId));
  const managed = new Set(input.scope.managed);
  const differences: DriftDifference[] = [];
  for (const agent of input.planned) {
    const member = listed.get(agent.userId);
    if (!member) {
      const known = applied.get(agent.userId);
      if (known && sameState(known, agent) && unlistedMayHold(agent, input.hiddenAgents)) continue;
      differences.push({ userId: agent.userId, kind: 'missing', expected: stateOf(agent) });
    } else if (!sameState(member, agent)) {
      differences.push({
        userId: agent.userId,
        ...agentIdOf(member),
        kind: 'changed',
        expected: stateOf(agent),
        actual: stateOf(member),
      });
    }
  }
  for (const member of listed.values()) {
    if (plannedIds.has(member.userId)) continue;
    if (input.scope.mode === 'managed' && !managed.has(member.userId)) continue;
    differences.push({
      userId: member.userId,
      ...agentIdOf(member),
      kind: 'unexpected',
      actual: stateOf(member),
    });
  }
  return differences.sort((a, b) => compareUserIds(a.userId, b.userId));
}

function agentIdOf(member: { agentId?: number }): { agentId?: number } {
  return member.agentId === undefined ? {} : { agentId: member.agentId };
}
