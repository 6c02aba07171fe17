// Shared test data: the local default policy of DESIGN.md §2 and an agent builder.
import { type Agent, type CampaignPolicy, CampaignPolicySchema } from '../../../lib/domain/schemas.ts';

export const CAMPAIGN_ID = '12345678-1234-1234-1234-123456789012';

export const POLICY: CampaignPolicy = CampaignPolicySchema.parse({
  campaignId: CAMPAIGN_ID,
  cxoneSkillId: 4501234,
  timezone: 'America/New_York',
  callingHours: { start: '08:00', end: '21:00' },
  allowedAgentTimezones: ['America/New_York', 'America/Chicago', 'America/Los_Angeles'],
  minWindowOverlapMinutes: 60,
  maxAgents: 50,
  maxConcurrentCallsPerAgent: 2,
  requiredSkills: ['preview-qualified'],
  callRateTarget: 8.5,
  capacityThreshold: 0.3,
});

export function policyWith(overrides: Partial<CampaignPolicy>): CampaignPolicy {
  return CampaignPolicySchema.parse({ ...POLICY, ...overrides });
}

export function agent(userId: string, overrides: Partial<Agent> = {}): Agent {
  return {
    userId,
    skills: ['sales', 'preview-qualified'],
    availabilityWindow: { start: '09:00', end: '17:00', timezone: 'America/New_York' },
    maxConcurrentCalls: 1,
    recentCallRate: 0,
    ...overrides,
  };
}

/** 2026-03-10 11:00 in New York (EDT, UTC−4): inside the default calling hours and a 09:00–17:00 window. */
export const WEEKDAY_MORNING = new Date('2026-03-10T15:00:00Z');
