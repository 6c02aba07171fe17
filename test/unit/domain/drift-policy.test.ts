import { describe, expect, it } from 'vitest';
import { driftCheckMinutesOf, onDriftOf } from '../../../lib/domain/drift-policy.ts';
import { CampaignPolicySchema } from '../../../lib/domain/schemas.ts';
import { POLICY } from '../../support/fixtures.ts';

describe('drift settings of a campaign policy', () => {
  it('defaults to a check every 15 minutes that repairs', () => {
    expect(driftCheckMinutesOf(POLICY)).toBe(15);
    expect(onDriftOf(POLICY)).toBe('repair');
  });

  it('takes the policy’s own values', () => {
    const policy = CampaignPolicySchema.parse({ ...POLICY, driftCheckMinutes: 1, onDrift: 'report' });
    expect(driftCheckMinutesOf(policy)).toBe(1);
    expect(onDriftOf(policy)).toBe('report');
  });

  it('refuses a check interval outside 1…1440 minutes and an unknown drift action', () => {
    for (const driftCheckMinutes of [0, 1441, 2.5]) {
      expect(CampaignPolicySchema.safeParse({ ...POLICY, driftCheckMinutes }).success).toBe(false);
    }
    expect(CampaignPolicySchema.safeParse({ ...POLICY, onDrift: 'ignore' }).success).toBe(false);
  });
});
