// What CXone must hold for a campaign: the plan for now of its last accepted desired state, computed with the
// service's own planner (the soak checks the pipeline delivers it, not the planner's rules, which have their own
// unit and property tests).
import { planActiveAgents, toSkillAssignments } from '../../../lib/domain/planner.ts';
import { type CampaignPolicy, SubmissionSchema } from '../../../lib/domain/schemas.ts';
import type { SkillAssignment } from '../../../lib/domain/types.ts';
import type { SandboxMember } from './stack-client.ts';

export function expectedSkillState(policy: CampaignPolicy, body: unknown, now: Date): SkillAssignment[] {
  return toSkillAssignments(planActiveAgents(policy, SubmissionSchema.parse(body), now));
}

/** The differences between CXone's skill members and the expected state, one line per agent; [] when equal. */
export function stateDifferences(
  expected: readonly SkillAssignment[],
  actual: readonly SandboxMember[],
): string[] {
  const held = new Map(actual.map((m) => [m.userId, m]));
  const wanted = new Map(expected.map((a) => [a.userId, a]));
  const differences: string[] = [];
  for (const agent of expected) {
    const member = held.get(agent.userId);
    if (!member) differences.push(`${agent.userId} missing`);
    else if (member.isActive !== agent.isActive || member.proficiency !== agent.proficiency) {
      differences.push(
        `${agent.userId} isActive=${member.isActive} proficiency=${member.proficiency}, ` +
          `expected ${agent.isActive}/${agent.proficiency}`,
      );
    }
  }
  for (const member of actual) {
    if (!wanted.has(member.userId)) differences.push(`${member.userId} should not be on the skill`);
  }
  return differences;
}
