import type { SandboxSkill } from './seed.ts';

export interface SkillMembership {
  isActive: boolean;
  proficiency: number;
}

/** Which agents are on which skill; shared by the Admin API and the campaign-agents target. */
export class SkillState {
  readonly skills: readonly SandboxSkill[];
  private readonly members = new Map<number, Map<number, SkillMembership>>();

  constructor(skills: readonly SandboxSkill[]) {
    this.skills = skills;
    this.reset();
  }

  reset(): void {
    this.members.clear();
    for (const skill of this.skills) this.members.set(skill.skillId, new Map());
  }

  skillById(skillId: number): SandboxSkill | undefined {
    return this.skills.find((skill) => skill.skillId === skillId);
  }

  skillByCampaign(campaignId: string): SandboxSkill | undefined {
    return this.skills.find((skill) => skill.campaignId.toLowerCase() === campaignId.toLowerCase());
  }

  get(skillId: number, agentId: number): SkillMembership | undefined {
    return this.skillMembers(skillId).get(agentId);
  }

  set(skillId: number, agentId: number, membership: SkillMembership): void {
    this.skillMembers(skillId).set(agentId, { ...membership });
  }

  remove(skillId: number, agentId: number): boolean {
    return this.skillMembers(skillId).delete(agentId);
  }

  /** Members ordered by agentId. */
  list(skillId: number): Array<{ agentId: number } & SkillMembership> {
    return [...this.skillMembers(skillId)]
      .map(([agentId, membership]) => ({ agentId, ...membership }))
      .sort((a, b) => a.agentId - b.agentId);
  }

  /** Replaces every member of the skill at once. */
  replace(skillId: number, members: ReadonlyMap<number, SkillMembership>): void {
    this.members.set(skillId, new Map([...members].map(([agentId, m]) => [agentId, { ...m }])));
  }

  private skillMembers(skillId: number): Map<number, SkillMembership> {
    const members = this.members.get(skillId);
    if (!members) throw new Error(`unknown skill ${skillId}`);
    return members;
  }
}
