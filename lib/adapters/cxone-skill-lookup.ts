import type { ConvergeContext, SkillLookup, SkillLookupResult } from '../app/ports.ts';
import { CxoneUnsupportedError } from '../cxone/errors.ts';
import type { CxoneSkill } from '../cxone/types.ts';
import { mapCxoneError } from './cxone-converger.ts';

/** What this adapter needs of the CXone client: the skill, or undefined when CXone does not know it (404). */
export interface SkillReader {
  getSkill(skillId: number, ctx: ConvergeContext): Promise<CxoneSkill | undefined>;
}

/** CXone's outbound strategy of the Personal Connection dialer, which runs preview campaigns. */
export const PERSONAL_CONNECTION = 'Personal Connection';

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
      // The `campaign-agents` target has no skill lookup.
      if (error instanceof CxoneUnsupportedError) return { kind: 'unsupported' };
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
