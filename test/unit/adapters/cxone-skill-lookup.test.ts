import { describe, expect, it } from 'vitest';
import { CxoneSkillLookup, type SkillReader } from '../../../lib/adapters/cxone-skill-lookup.ts';
import { PermanentRefusalError, RetryLaterError } from '../../../lib/app/errors.ts';
import {
  CxoneAuthError,
  CxonePermanentError,
  CxoneRetryableError,
  CxoneUnsupportedError,
} from '../../../lib/cxone/errors.ts';
import type { CxoneSkill } from '../../../lib/cxone/types.ts';

const context = { correlationId: 'req-1', deadline: Date.now() + 10_000 };

/** Skills as the CXone sandbox seeds them, answered the way the client's getSkill does. */
const SKILLS: Record<number, CxoneSkill> = {
  4501235: {
    skillId: 4501235,
    skillName: 'Preview 4501235',
    isOutbound: true,
    outboundStrategy: 'Personal Connection',
    isActive: true,
  },
  4509999: { skillId: 4509999, skillName: 'Inbound voice', isOutbound: false, outboundStrategy: '' },
  4508888: { skillId: 4508888, skillName: 'Progressive', isOutbound: true, outboundStrategy: 'Progressive' },
};

function reader(
  answer: (skillId: number) => Promise<CxoneSkill | undefined>,
): SkillReader & { asked: number[] } {
  const asked: number[] = [];
  return {
    asked,
    getSkill: (skillId, ctx) => {
      asked.push(skillId);
      expect(ctx).toEqual(context);
      return answer(skillId);
    },
  };
}

const sandbox = reader(async (skillId) => SKILLS[skillId]);

describe('CxoneSkillLookup', () => {
  it('reports an outbound Personal Connection skill as such, with its name', async () => {
    expect(await new CxoneSkillLookup(sandbox).lookup(4501235, context)).toEqual({
      kind: 'found',
      skill: { skillId: 4501235, name: 'Preview 4501235', outbound: true, personalConnection: true },
    });
    expect(sandbox.asked).toContain(4501235);
  });

  it('tells an inbound skill and another outbound strategy from Personal Connection', async () => {
    const lookup = new CxoneSkillLookup(sandbox);
    expect(await lookup.lookup(4509999, context)).toMatchObject({
      skill: { outbound: false, personalConnection: false },
    });
    expect(await lookup.lookup(4508888, context)).toMatchObject({
      skill: { outbound: true, personalConnection: false },
    });
  });

  it('answers not_found when CXone does not know the skill', async () => {
    expect(await new CxoneSkillLookup(sandbox).lookup(4500001, context)).toEqual({ kind: 'not_found' });
  });

  it('answers unsupported for a CXone target without a skill lookup', async () => {
    const unsupported = reader(async () => {
      throw new CxoneUnsupportedError('the campaign-agents target has no skill lookup');
    });
    expect(await new CxoneSkillLookup(unsupported).lookup(4501235, context)).toEqual({ kind: 'unsupported' });
  });

  it('maps CXone errors to retry later (429, 5xx, network) or a refusal (credentials, 4xx)', async () => {
    const failing = (error: Error) => new CxoneSkillLookup(reader(() => Promise.reject(error)));
    await expect(
      failing(new CxoneRetryableError('503', { status: 503, retryAfterMs: 2000 })).lookup(1, context),
    ).rejects.toMatchObject({ name: 'RetryLaterError', retryAfterMs: 2000 });
    await expect(failing(new TypeError('fetch failed')).lookup(1, context)).rejects.toThrow(RetryLaterError);
    await expect(failing(new CxoneAuthError('refused', { status: 401 })).lookup(1, context)).rejects.toThrow(
      PermanentRefusalError,
    );
    await expect(failing(new CxonePermanentError('400', { status: 400 })).lookup(1, context)).rejects.toThrow(
      PermanentRefusalError,
    );
  });
});
