// Reading the Admin API's and discovery's answers leniently: unknown fields ignored, malformed items skipped.
import type { SkillAssignment } from '../domain/types.ts';
import { CxonePermanentError } from './errors.ts';
import { isRecord } from './http.ts';
import type { CxoneSkill } from './types.ts';

export interface Page<T> {
  items: T[];
  totalRecords: number | undefined;
}

export interface SkillMember extends SkillAssignment {
  agentId: number;
}

export function requireUrl(body: unknown, field: string, document: string): string {
  const value = isRecord(body) ? body[field] : undefined;
  if (typeof value !== 'string' || !/^https?:\/\//.test(value)) {
    throw new CxonePermanentError(`${document} has no usable ${field}`);
  }
  return value.replace(/\/+$/, '');
}

/** The id_token is read only for its `tenantId` claim; it came straight from the token endpoint over TLS. */
export function tenantIdFromIdToken(idToken: string | undefined): string {
  const payload = idToken?.split('.')[1];
  if (payload) {
    try {
      const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      if (isRecord(claims) && typeof claims.tenantId === 'string' && claims.tenantId !== '') {
        return claims.tenantId;
      }
    } catch {
      // fall through
    }
  }
  throw new CxonePermanentError(
    'no tenantId: set tenantId or apiEndpoint in the credentials secret (the id_token carries none)',
  );
}

export function parseSkillAgents(body: unknown): Page<SkillMember> {
  if (!isRecord(body)) return { items: [], totalRecords: undefined };
  const list = Array.isArray(body.agentSkillAssignments) ? body.agentSkillAssignments : [];
  const members: SkillMember[] = [];
  for (const item of list) {
    if (!isRecord(item)) continue;
    const agentId = Number(item.agentId);
    const proficiency = Number(item.agentProficiencyValue ?? item.proficiency);
    if (!Number.isInteger(agentId) || typeof item.userId !== 'string') continue;
    members.push({
      agentId,
      userId: item.userId,
      isActive: item.isActive === true,
      proficiency: Number.isFinite(proficiency) ? proficiency : 0,
    });
  }
  return { items: members, totalRecords: totalRecordsOf(body) };
}

export function parseAgents(body: unknown): Page<{ agentId: number; userId: string }> {
  if (!isRecord(body)) return { items: [], totalRecords: undefined };
  const list = Array.isArray(body.agents) ? body.agents : [];
  const items = list.flatMap((item: unknown) => {
    // CXone's GET /agents spells it userID; skill assignments say userId.
    const userId = isRecord(item) ? (item.userId ?? item.userID) : undefined;
    if (!isRecord(item) || typeof userId !== 'string' || userId === '') return [];
    const agentId = Number(item.agentId);
    return Number.isInteger(agentId) ? [{ agentId, userId }] : [];
  });
  return { items, totalRecords: totalRecordsOf(body) };
}

function totalRecordsOf(body: Record<string, unknown>): number | undefined {
  const total = Number(body.totalRecords);
  return body.totalRecords !== undefined && Number.isFinite(total) ? total : undefined;
}

/** `resultSet.agentResults[]` entries that report a failure. */
export function parseAgentFailures(body: unknown): Array<{ agentId: number; reason: string }> {
  const resultSet = isRecord(body) && isRecord(body.resultSet) ? body.resultSet : undefined;
  const results = resultSet && Array.isArray(resultSet.agentResults) ? resultSet.agentResults : [];
  return results.flatMap((item: unknown) => {
    if (!isRecord(item)) return [];
    const agentId = Number(item.agentId);
    const failed = item.success === false || (typeof item.error === 'string' && item.error !== '');
    if (!failed || !Number.isInteger(agentId)) return [];
    const reason = typeof item.error === 'string' && item.error !== '' ? item.error : 'refused by CXone';
    return [{ agentId, reason: reason.slice(0, 300) }];
  });
}

/**
 * `GET /skills/{skillId}`: NICE's current definition answers the skill as one flat object; older versions wrapped it
 * in `skills: [ … ]`. Both are read. A missing `isOutbound` reads as false (not an outbound skill).
 */
export function parseSkill(body: unknown): CxoneSkill {
  const item = isRecord(body) && Array.isArray(body.skills) ? body.skills[0] : body;
  const skillId = isRecord(item) ? Number(item.skillId) : Number.NaN;
  if (!isRecord(item) || !Number.isInteger(skillId) || typeof item.skillName !== 'string') {
    throw new CxonePermanentError('GET /skills/{skillId}: the answer does not describe a skill', {
      operation: 'GET /skills/{skillId}',
    });
  }
  return {
    skillId,
    skillName: item.skillName,
    isOutbound: item.isOutbound === true,
    ...(typeof item.outboundStrategy === 'string' ? { outboundStrategy: item.outboundStrategy } : {}),
    ...(typeof item.isActive === 'boolean' ? { isActive: item.isActive } : {}),
  };
}
