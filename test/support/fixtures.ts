// Test data shared by the domain, app, adapter and handler tests: the default campaign policy (the one in
// config/campaign-policies.json), agents, submissions and stored records.
import type { AssignmentRecord, CampaignState } from '../../lib/app/model.ts';
import {
  type Agent,
  type CampaignPolicy,
  CampaignPolicySchema,
  type Submission,
} from '../../lib/domain/schemas.ts';

export const CAMPAIGN_ID = '12345678-1234-1234-1234-123456789012';
export const SKILL_ID = 4501234;
/** A second campaign for the multi-campaign tests (not in config/campaign-policies.json). */
export const OTHER_CAMPAIGN_ID = 'campaign-two';
export const OTHER_SKILL_ID = 4501235;

export const POLICY: CampaignPolicy = CampaignPolicySchema.parse({
  campaignId: CAMPAIGN_ID,
  cxoneSkillId: SKILL_ID,
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

/** POLICY with some fields changed (validated, like a policy loaded from the file). */
export function policyWith(overrides: Partial<CampaignPolicy>): CampaignPolicy {
  return CampaignPolicySchema.parse({ ...POLICY, ...overrides });
}

export const OTHER_POLICY: CampaignPolicy = CampaignPolicySchema.parse({
  ...POLICY,
  campaignId: OTHER_CAMPAIGN_ID,
  cxoneSkillId: OTHER_SKILL_ID,
});

/** 2026-03-10 11:00 in New York (EDT): inside the calling hours and a 09:00–17:00 window. */
export const MORNING = new Date('2026-03-10T15:00:00Z');
/** The same day 12:30 in New York: a 12:00–17:00 window has opened since MORNING. */
export const NOON = new Date('2026-03-10T16:30:00Z');

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

/** The PUT body: agent-uuid-001 … agent-uuid-00n (the sandbox's seeded userIds). */
export function submission(count = 2, overrides: Partial<Submission> = {}): Submission {
  const agents = Array.from({ length: count }, (_, i) =>
    agent(`agent-uuid-${String(i + 1).padStart(3, '0')}`),
  );
  return { agents, callRateTarget: 8.5, ...overrides };
}

/** A stored assignment in `queued` state, as submit would have written it. */
export function queuedRecord(
  assignmentId: string,
  desired: Submission = submission(),
  options: { campaignId?: string; submittedAt?: Date; kind?: AssignmentRecord['kind'] } = {},
): AssignmentRecord {
  const at = (options.submittedAt ?? MORNING).toISOString();
  return {
    assignmentId,
    campaignId: options.campaignId ?? CAMPAIGN_ID,
    kind: options.kind ?? 'submission',
    status: 'queued',
    submittedAt: at,
    updatedAt: at,
    agentsRequested: desired.agents.length,
    desired,
    enqueuedAt: at,
  };
}

/** The campaign state that makes `record` the campaign's latest desired state. */
export function latestStateOf(record: AssignmentRecord): CampaignState {
  return {
    campaignId: record.campaignId,
    latestAssignmentId: record.assignmentId,
    desired: record.desired,
    submittedAt: record.submittedAt,
  };
}
