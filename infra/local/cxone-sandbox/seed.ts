// The sandbox's seed data. Everything here is LOCAL-ONLY test data, not secrets: the credentials only open the
// sandbox on loopback and are published on purpose so the local stack and tests can use them.

/** Local-only credentials the sandbox accepts (both token endpoints). Not secrets. */
export const SANDBOX_CREDENTIALS = Object.freeze({
  clientId: 'local-client',
  clientSecret: 'local-client-secret',
  accessKeyId: 'local-access-key',
  accessKeySecret: 'local-access-key-secret',
});

export const SANDBOX_TENANT_ID = '11111111-2222-3333-4444-555555555555';
export const SANDBOX_BUSINESS_UNIT_ID = 4600001;
export const SANDBOX_AREA = 'na1';

/** The local campaign policy's skill ↔ campaign (DESIGN.md §2). */
export const DEFAULT_SANDBOX_SKILLS: ReadonlyArray<SandboxSkill> = Object.freeze([
  { skillId: 4501234, campaignId: '12345678-1234-1234-1234-123456789012' },
]);

export const DEFAULT_AGENT_COUNT = 200;
/** agentId of the first seeded agent; agent n has FIRST_AGENT_ID + n - 1. */
export const FIRST_AGENT_ID = 100001;

export interface SandboxSkill {
  skillId: number;
  campaignId: string;
}

export interface SandboxAgent {
  agentId: number;
  userId: string;
  userName: string;
  firstName: string;
  lastName: string;
  emailAddress: string;
}

/** `agent-uuid-001` … with numeric agentIds from FIRST_AGENT_ID. */
export function seedAgents(count: number): SandboxAgent[] {
  const width = Math.max(3, String(count).length);
  return Array.from({ length: count }, (_, index) => {
    const number = String(index + 1).padStart(width, '0');
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
