import type { SkillProfile } from './seed.ts';

export interface SkillMembership {
  isActive: boolean;
  proficiency: number;
}

/** A skill bound to one of the service's campaigns. */
export type BoundSkill = SkillProfile & { campaignId: string };

/** Which agents are on which skill; shared by the Admin API and the campaign-agents target. */
export class SkillState {
  readonly skills: readonly SkillProfile[];
  private readonly members = new Map<number, Map<number, SkillMembership>>();

  constructor(skills: readonly SkillProfile[]) {
    this.skills = skills;
    this.reset();
  }

  reset(): void {
    this.members.clear();
    for (const skill of this.skills) this.members.set(skill.skillId, new Map());
  }

  skillById(skillId: number): SkillProfile | undefined {
    return this.skills.find((skill) => skill.skillId === skillId);
  }

  /** Only skills bound to one of the service's campaigns are found. */
  skillByCampaign(campaignId: string): BoundSkill | undefined {
    const wanted = campaignId.toLowerCase();
    return this.skills.find(
      (skill): skill is BoundSkill =>
        skill.campaignId !== undefined && skill.campaignId.toLowerCase() === wanted,
    );
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

  /** Drops every assignment of agents `keep` rejects (after the directory shrank). */
  retainAgents(keep: (agentId: number) => boolean): void {
    for (const members of this.members.values()) {
      for (const agentId of members.keys()) if (!keep(agentId)) members.delete(agentId);
    }
  }

  private skillMembers(skillId: number): Map<number, SkillMembership> {
    const members = this.members.get(skillId);
    if (!members) throw new Error(`unknown skill ${skillId}`);
    return members;
  }
}
