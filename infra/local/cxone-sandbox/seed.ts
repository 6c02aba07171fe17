// The sandbox's seed data. Everything here is LOCAL-ONLY test data, not secrets: the credentials only open the
// sandbox on loopback and are published on purpose so the local stack and tests can use them.

export interface SandboxCredentials {
  clientId: string;
  clientSecret: string;
  accessKeyId: string;
  accessKeySecret: string;
}

/** Local-only credentials the sandbox accepts (both token endpoints) unless a test gives others. Not secrets. */
export const SANDBOX_CREDENTIALS: Readonly<SandboxCredentials> = Object.freeze({
  clientId: 'local-client',
  clientSecret: 'local-client-secret',
  accessKeyId: 'local-access-key',
  accessKeySecret: 'local-access-key-secret',
});

export const SANDBOX_TENANT_ID = '11111111-2222-3333-4444-555555555555';
export const SANDBOX_BUSINESS_UNIT_ID = 4600001;
export const SANDBOX_AREA = 'na1';

/** A CXone skill as the sandbox holds it. Only `skillId` is required; the rest defaults to an outbound PC skill. */
export interface SandboxSkill {
  skillId: number;
  /** The service's campaign bound to this skill (the campaign-agents target finds the skill by it); none = unbound. */
  campaignId?: string;
  skillName?: string;
  /** Default true. */
  isOutbound?: boolean;
  /** Default 'Personal Connection' for an outbound skill, '' for an inbound one. */
  outboundStrategy?: string;
  /** CXone media type; default 4 (Phone Call). */
  mediaTypeId?: number;
}

/** A skill with every default filled in, as the routes answer it. */
export interface SkillProfile {
  skillId: number;
  campaignId: string | undefined;
  skillName: string;
  isOutbound: boolean;
  outboundStrategy: string;
  mediaTypeId: number;
  mediaTypeName: string;
  /** CXone's own campaign: only a numeric grouping of skills for reporting, not the service's campaign. */
  cxoneCampaignId: number;
  cxoneCampaignName: string;
}

/** The local campaign policy's skill ↔ campaign. */
export const DEFAULT_SANDBOX_SKILLS: ReadonlyArray<SandboxSkill> = Object.freeze([
  { skillId: 4501234, campaignId: '12345678-1234-1234-1234-123456789012' },
]);

/**
 * Always seeded besides the given skills (a given skill with the same skillId wins): five outbound Personal
 * Connection skills no local policy uses yet, and one inbound skill, so policies can be bound to them or refused.
 */
export const UNBOUND_SANDBOX_SKILLS: ReadonlyArray<SandboxSkill> = Object.freeze([
  ...[4501235, 4501236, 4501237, 4501238, 4501239].map((skillId) => ({ skillId })),
  { skillId: 4509999, skillName: 'Inbound support 4509999', isOutbound: false },
]);

const MEDIA_TYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'Email',
  3: 'Chat',
  4: 'Phone Call',
  5: 'Voice Mail',
  6: 'Work Item',
};
const OUTBOUND_CAMPAIGN = { id: 10001, name: 'Sandbox outbound' };
const INBOUND_CAMPAIGN = { id: 10002, name: 'Sandbox inbound' };

/** The given skills plus the unbound seed skills whose skillId is not given. */
export function seededSkills(given: readonly SandboxSkill[]): SkillProfile[] {
  const givenIds = new Set(given.map((skill) => skill.skillId));
  const extra = UNBOUND_SANDBOX_SKILLS.filter((skill) => !givenIds.has(skill.skillId));
  return [...given, ...extra].map(skillProfile);
}

function skillProfile(skill: SandboxSkill): SkillProfile {
  const isOutbound = skill.isOutbound ?? true;
  const mediaTypeId = skill.mediaTypeId ?? 4;
  const campaign = isOutbound ? OUTBOUND_CAMPAIGN : INBOUND_CAMPAIGN;
  return {
    skillId: skill.skillId,
    campaignId: skill.campaignId,
    skillName: skill.skillName ?? `Preview dialer ${skill.skillId}`,
    isOutbound,
    outboundStrategy: skill.outboundStrategy ?? (isOutbound ? 'Personal Connection' : ''),
    mediaTypeId,
    mediaTypeName: MEDIA_TYPE_NAMES[mediaTypeId] ?? `Media type ${mediaTypeId}`,
    cxoneCampaignId: campaign.id,
    cxoneCampaignName: campaign.name,
  };
}

export const DEFAULT_AGENT_COUNT = 200;
/** agentId of the first seeded agent; agent n has FIRST_AGENT_ID + n - 1. */
export const FIRST_AGENT_ID = 100001;
/** Upper bound of a seeded directory (PUT /sandbox/agents, agentCount). */
export const MAX_AGENT_COUNT = 100_000;

export interface SandboxAgent {
  agentId: number;
  userId: string;
  userName: string;
  firstName: string;
  lastName: string;
  emailAddress: string;
}

/**
 * `agent-uuid-001` … with numeric agentIds from FIRST_AGENT_ID. Numbers are padded to three digits and no more,
 * so agent n has the same userId whatever the count (`agent-uuid-042`, `agent-uuid-10001`).
 */
export function seedAgents(count: number): SandboxAgent[] {
  return Array.from({ length: count }, (_, index) => {
    const number = String(index + 1).padStart(3, '0');
    return {
      agentId: FIRST_AGENT_ID + index,
      userId: `agent-uuid-${number}`,
      userName: `agent${number}@sandbox.local`,
      firstName: 'Agent',
      lastName: number,
      emailAddress: `agent${number}@sandbox.local`,
    };
  });
}
