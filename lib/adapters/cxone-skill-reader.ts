import type { ConvergeContext, ConvergeTarget, ReadSkillMember, SkillReader } from '../app/ports.ts';
import { CxoneAuthError, CxoneCredentialsError } from '../cxone/errors.ts';
import type { CxoneAssignmentClient } from '../cxone/types.ts';
import { type CxoneConvergerOptions, mapCxoneError } from './cxone-converger.ts';

/** The drift check's port onto the CXone client's skill read; CXone errors mapped as for the converger. */
export class CxoneSkillReader implements SkillReader {
  private readonly client: Pick<CxoneAssignmentClient, 'readSkill'>;
  private readonly onAuthFailure: CxoneConvergerOptions['onAuthFailure'];

  constructor(client: Pick<CxoneAssignmentClient, 'readSkill'>, options: CxoneConvergerOptions = {}) {
    this.client = client;
    this.onAuthFailure = options.onAuthFailure;
  }

  async readSkill(
    target: ConvergeTarget,
    context: ConvergeContext,
  ): Promise<{ members: ReadSkillMember[]; hiddenAgents: number }> {
    try {
      const read = await this.client.readSkill(target, context);
      return {
        members: read.members.map(({ userId, isActive, proficiency, agentId }) => ({
          userId,
          isActive,
          proficiency,
          ...(agentId === undefined ? {} : { agentId }),
        })),
        hiddenAgents: read.hiddenAgents,
      };
    } catch (error) {
      if (error instanceof CxoneAuthError) {
        this.onAuthFailure?.({
          campaignId: target.campaignId,
          correlationId: context.correlationId,
          malformedSecret: error instanceof CxoneCredentialsError,
          reason: error.message,
        });
      }
      throw mapCxoneError(error);
    }
  }
}
