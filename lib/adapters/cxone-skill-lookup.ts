import type { ConvergeContext, SkillLookup, SkillLookupResult } from '../app/ports.ts';
import { mapCxoneError } from './cxone-converger.ts';

/** A CXone skill as `GET /skills/{skillId}` describes it (the fields a campaign policy looks at). */
export interface CxoneSkill {
  skillId: number;
  skillName: string;
  isOutbound: boolean;
  /** `Personal Connection` for the preview dialer; empty or absent for inbound skills. */
  outboundStrategy?: string;
  isActive?: boolean;
}

/** What this adapter needs of the CXone client: the skill, or undefined when CXone does not know it (404). */
export interface SkillReader {
  getSkill(skillId: number, ctx: ConvergeContext): Promise<CxoneSkill | undefined>;
}

/** CXone's outbound strategy of the Personal Connection dialer, which runs preview campaigns. */
export const PERSONAL_CONNECTION = 'Personal Connection';

/** The CXone client raises this for a target without a skill lookup (the `campaign-agents` contract). */
const UNSUPPORTED_ERROR_NAME = 'CxoneUnsupportedError';

/** The policy API's port onto the CXone client's skill lookup; CXone errors mapped to retry or refuse. */
export class CxoneSkillLookup implements SkillLookup {
  private readonly reader: SkillReader;

  constructor(reader: SkillReader) {
    this.reader = reader;
  }

  async lookup(skillId: number, context: ConvergeContext): Promise<SkillLookupResult> {
    let skill: CxoneSkill | undefined;
    try {
      skill = await this.reader.getSkill(skillId, context);
    } catch (error) {
      if ((error as { name?: unknown } | null)?.name === UNSUPPORTED_ERROR_NAME)
        return { kind: 'unsupported' };
      throw mapCxoneError(error);
    }
    if (!skill) return { kind: 'not_found' };
    return {
      kind: 'found',
      skill: {
        skillId: skill.skillId,
        name: skill.skillName,
        outbound: skill.isOutbound,
        personalConnection: skill.isOutbound && skill.outboundStrategy === PERSONAL_CONNECTION,
      },
    };
  }
}
