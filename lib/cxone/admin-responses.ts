// Reading the Admin API's and discovery's answers leniently: unknown fields ignored, malformed items skipped.
import { MAX_CXONE_PROFICIENCY } from '../domain/schemas.ts';
import type { SkillMember } from '../domain/types.ts';
import { CxonePermanentError } from './errors.ts';
import { isRecord } from './http.ts';
import type { CxoneSkill } from './types.ts';

export interface Page<T> {
  items: T[];
  totalRecords: number | undefined;
}

/** A member of a skill as the Admin API lists it, with CXone's agentId. */
export interface ListedMember extends SkillMember {
  agentId: number;
}

export interface SkillAgentsPage extends Page<ListedMember> {
  /** Members the access key's user may not see (CXone's `hiddenAgents`); 0 when CXone says nothing. */
  hiddenAgents: number;
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

/** `GET /skills/{skillId}/agents`; a 204 (no body: nobody on the skill) reads as an empty page. */
export function parseSkillAgents(body: unknown): SkillAgentsPage {
  if (!isRecord(body)) return { items: [], totalRecords: undefined, hiddenAgents: 0 };
  const list = Array.isArray(body.agentSkillAssignments) ? body.agentSkillAssignments : [];
  const members: ListedMember[] = [];
  for (const item of list) {
    if (!isRecord(item)) continue;
    const agentId = Number(item.agentId);
    if (!Number.isInteger(agentId) || typeof item.userId !== 'string') continue;
    members.push({
      agentId,
      userId: item.userId,
      isActive: item.isActive === true,
      proficiency: readProficiency(item.agentProficiencyValue ?? item.proficiency),
    });
  }
  const hidden = Number(body.hiddenAgents);
  return {
    items: members,
    totalRecords: totalRecordsOf(body),
    hiddenAgents: Number.isInteger(hidden) && hidden > 0 ? hidden : 0,
  };
}

/**
 * CXone holds 1 (highest) … 20. A value outside that range or missing (no tenant is known to send one) is read as the
 * nearest valid value, 20 when there is none: the member stays visible, and a desired agent is rewritten anyway
 * since the service writes 1 … 5.
 */
export function readProficiency(value: unknown): number {
  const number = Number(value);
  if (value === undefined || value === null || !Number.isFinite(number)) return MAX_CXONE_PROFICIENCY;
  return Math.min(MAX_CXONE_PROFICIENCY, Math.max(1, Math.round(number)));
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

/** One agent's answer in a write's `resultSet.agentResults`. */
export type AgentResult = { ok: true } | { ok: false; reason: string };

/**
 * `resultSet.agentResults[]` of a POST/PUT/DELETE, one per agent of the request in its order. NICE documents that
 * `agentId` comes back only when the agent's change succeeded, so the results are matched to the request by position;
 * only when CXone answers a different number of results are they matched by the agentIds they carry. An agent with
 * no result of its own is `undefined`: the verifying read decides for it.
 */
export function parseWriteResults(
  body: unknown,
  agentIds: readonly number[],
): Array<AgentResult | undefined> {
  const resultSet = isRecord(body) && isRecord(body.resultSet) ? body.resultSet : undefined;
  const results = resultSet && Array.isArray(resultSet.agentResults) ? resultSet.agentResults : [];
  if (results.length === agentIds.length) return results.map(readAgentResult);
  const byAgentId = new Map<number, AgentResult | undefined>();
  for (const item of results) {
    const agentId = isRecord(item) ? Number(item.agentId) : Number.NaN;
    if (Number.isInteger(agentId)) byAgentId.set(agentId, readAgentResult(item));
  }
  return agentIds.map((agentId) => byAgentId.get(agentId));
}

function readAgentResult(item: unknown): AgentResult | undefined {
  if (!isRecord(item)) return undefined;
  const error = typeof item.error === 'string' && item.error.trim() !== '' ? item.error.trim() : undefined;
  if (item.success === false || error !== undefined) {
    return { ok: false, reason: (error ?? 'refused by CXone').slice(0, 300) };
  }
  return item.success === true ? { ok: true } : undefined;
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
