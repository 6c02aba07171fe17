import { describe, expect, it } from 'vitest';
import { CxoneSkillReader } from '../../../lib/adapters/cxone-skill-reader.ts';
import { PermanentRefusalError, RetryLaterError } from '../../../lib/app/errors.ts';
import { CxoneAuthError, CxonePermanentError, CxoneRetryableError } from '../../../lib/cxone/errors.ts';
import type { SkillRead } from '../../../lib/cxone/types.ts';

const target = { campaignId: 'campaign-1', skillId: 42 };
const context = { correlationId: 'drift-1', deadline: Date.now() + 60_000 };

const reading = (answer: () => Promise<SkillRead>) => ({ readSkill: answer });

describe('CxoneSkillReader', () => {
  it('passes the members (with their agentIds) and hiddenAgents on', async () => {
    const reader = new CxoneSkillReader(
      reading(async () => ({
        members: [
          { userId: 'u1', isActive: true, proficiency: 12, agentId: 1001 },
          { userId: 'u2', isActive: false, proficiency: 1 },
        ],
        hiddenAgents: 2,
      })),
    );
    expect(await reader.readSkill(target, context)).toEqual({
      members: [
        { userId: 'u1', isActive: true, proficiency: 12, agentId: 1001 },
        { userId: 'u2', isActive: false, proficiency: 1 },
      ],
      hiddenAgents: 2,
    });
  });

  it('maps CXone’s errors to retry or refuse, and raises the alarm on refused credentials', async () => {
    const failures: unknown[] = [];
    const failing = (error: Error) =>
      new CxoneSkillReader(
        reading(async () => {
          throw error;
        }),
        { onAuthFailure: (failure) => failures.push(failure) },
      );
    await expect(
      failing(new CxoneRetryableError('503', { status: 503 })).readSkill(target, context),
    ).rejects.toBeInstanceOf(RetryLaterError);
    await expect(
      failing(new CxonePermanentError('403', { status: 403 })).readSkill(target, context),
    ).rejects.toBeInstanceOf(PermanentRefusalError);
    expect(failures).toEqual([]);
    await expect(
      failing(new CxoneAuthError('refused', { status: 401 })).readSkill(target, context),
    ).rejects.toBeInstanceOf(PermanentRefusalError);
    expect(failures).toEqual([
      { campaignId: 'campaign-1', correlationId: 'drift-1', malformedSecret: false, reason: 'refused' },
    ]);
  });
});
