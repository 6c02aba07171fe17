// `…/skills/{skillId}/agents` of the Admin API: list, assign (POST), update (PUT), remove (DELETE, by body or path).
import { CxoneHttpError, MAX_PAGE_SIZE, page, parseJsonBody, type RouteResult } from '../http.ts';
import { chance } from '../random.ts';
import type { SandboxRuntime } from '../runtime.ts';
import { SANDBOX_BUSINESS_UNIT_ID, type SkillProfile } from '../seed.ts';
import type { SkillMembership } from '../skill-state.ts';

/** The CXone UI's proficiency range: 1 (highest) … 20. NICE's older write schema lists only 1 … 5. */
export const MIN_PROFICIENCY = 1;
export const MAX_PROFICIENCY = 20;

type WriteOperation = 'assign' | 'update' | 'remove';
/** NICE's AgentResult: `agentId` "only returned if assignment was successful", `error` only on failure. */
type AgentResult = { success: true; agentId: number } | { success: false; error: string };
type AgentChange = { agentId: number; isActive?: unknown; proficiency?: unknown };
type PlannedChange = { refused: string } | { remove: true } | { set: SkillMembership };

/**
 * Members ordered by agentId. Faults: `hiddenAgents` leaves the first n out and counts them in `hiddenAgents`;
 * `listInactive: false` leaves inactive assignments out. Nothing to report at all → 204 No Content.
 */
export function listSkillAgents(
  runtime: SandboxRuntime,
  skill: SkillProfile,
  query: URLSearchParams,
): RouteResult {
  const { hiddenAgents, listInactive } = runtime.faults;
  const members = runtime.state.list(skill.skillId);
  const hidden = Math.min(hiddenAgents, members.length);
  const visible = members.slice(hidden).filter((member) => listInactive || member.isActive);
  const items = page(visible, query, undefined, MAX_PAGE_SIZE);
  if (items.length === 0 && hidden === 0) return { status: 204 };
  return {
    status: 200,
    body: {
      businessUnitId: SANDBOX_BUSINESS_UNIT_ID,
      lastPollTime: runtime.nowIso(),
      totalRecords: visible.length,
      hiddenAgents: hidden,
      agentSkillAssignments: items.map((member) => {
        const agent = runtime.directory.byId(member.agentId);
        return {
          agentId: member.agentId,
          userId: agent?.userId ?? '',
          firstName: agent?.firstName ?? '',
          middleName: '',
          lastName: agent?.lastName ?? '',
          skillId: skill.skillId,
          skillName: skill.skillName,
          agentProficiencyValue: member.proficiency,
          isActive: member.isActive,
          isSkillActive: true,
          isOutbound: skill.isOutbound,
          isDialer: skill.isOutbound && skill.outboundStrategy === 'Personal Connection',
          outboundStrategy: skill.outboundStrategy,
          campaignId: skill.cxoneCampaignId,
          campaignName: skill.cxoneCampaignName,
          mediaTypeId: skill.mediaTypeId,
          mediaTypeName: skill.mediaTypeName,
          teamId: 1,
          teamName: 'Sandbox team',
        };
      }),
    },
  };
}

/**
 * POST/PUT/DELETE with a body `{agents:[…]}`: each agent applied on its own, results in request order. A refused
 * agent keeps its state. The `rate409` fault refuses the whole call first.
 */
export function writeSkillAgents(
  runtime: SandboxRuntime,
  skill: SkillProfile,
  operation: WriteOperation,
  body: string,
): RouteResult {
  const changes = parseAgentChanges(body);
  if (chance(runtime.random, runtime.faults.rate409)) return invalidPermissions();
  const agentResults = changes.map((change): AgentResult => {
    const planned = planChange(runtime, skill.skillId, operation, change);
    if ('refused' in planned) return { success: false, error: planned.refused };
    if (chance(runtime.random, runtime.faults.agentErrorRate)) {
      return { success: false, error: 'Error has occured while calling external service' };
    }
    if ('remove' in planned) runtime.state.remove(skill.skillId, change.agentId);
    else runtime.state.set(skill.skillId, change.agentId, planned.set);
    return { success: true, agentId: change.agentId };
  });
  const errorCount = agentResults.filter((result) => !result.success).length;
  return { status: 200, body: { resultSet: { errorCount, agentResults } } };
}

/** `DELETE /skills/{skillId}/agents/{agentId}`: plain 200 with no body, or 404 when the agent is not on the skill. */
export function removeOneSkillAgent(
  runtime: SandboxRuntime,
  skill: SkillProfile,
  rawAgentId: string,
): RouteResult {
  if (!/^\d+$/.test(rawAgentId)) {
    throw new CxoneHttpError(404, 'not_found', `'${rawAgentId}', must be an integer`);
  }
  if (chance(runtime.random, runtime.faults.rate409)) return invalidPermissions();
  const agentId = Number(rawAgentId);
  if (!runtime.state.remove(skill.skillId, agentId)) {
    throw new CxoneHttpError(404, 'not_found', `'${agentId}', agent is not assigned to skill`);
  }
  return { status: 200 };
}

/** The Admin API's documented 409: a permission refusal, not a capacity conflict. */
function invalidPermissions(): RouteResult {
  return {
    status: 409,
    error: { code: 'invalid_permissions', description: 'Invalid Permissions' },
    fault: 'rate409',
  };
}

/** Body `{agents:[{agentId, isActive?, proficiency?}]}`; a malformed list is a 400, a bad agent a per-agent error. */
function parseAgentChanges(body: string): AgentChange[] {
  const parsed = parseJsonBody(body);
  const agents = (parsed as { agents?: unknown } | null)?.agents;
  if (!Array.isArray(agents) || agents.length === 0) {
    throw new CxoneHttpError(400, 'invalid_request', 'Invalid agents - cannot be null or empty');
  }
  return agents.map((item) => {
    const raw = (item as { agentId?: unknown } | null)?.agentId;
    const agentId = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
    if (typeof agentId !== 'number' || !Number.isInteger(agentId)) {
      throw new CxoneHttpError(
        400,
        'invalid_request',
        `Invalid agentId - '${String(raw)}', must be an integer`,
      );
    }
    return { ...(item as object), agentId };
  });
}

/** The agent's new membership, its removal, or why the change is refused (CXone-like wording). */
function planChange(
  runtime: SandboxRuntime,
  skillId: number,
  operation: WriteOperation,
  change: AgentChange,
): PlannedChange {
  const { agentId } = change;
  if (!runtime.directory.byId(agentId)) return { refused: `Invalid agentId - '${agentId}', does not exist` };
  const current = runtime.state.get(skillId, agentId);
  if (operation === 'assign' && current) {
    return { refused: `'${agentId}', agent is already assigned to skill` };
  }
  if (operation !== 'assign' && !current) return { refused: `'${agentId}', agent is not assigned to skill` };
  if (operation === 'remove') return { remove: true };

  const proficiency = change.proficiency ?? current?.proficiency ?? MIN_PROFICIENCY;
  if (
    typeof proficiency !== 'number' ||
    !Number.isInteger(proficiency) ||
    proficiency < MIN_PROFICIENCY ||
    proficiency > MAX_PROFICIENCY
  ) {
    return {
      refused: `Invalid proficiency - '${String(proficiency)}', must be an integer from ${MIN_PROFICIENCY} to ${MAX_PROFICIENCY}`,
    };
  }
  const isActive = change.isActive ?? current?.isActive ?? true;
  if (typeof isActive !== 'boolean') {
    return { refused: `Invalid isActive - '${String(isActive)}', must be type Boolean` };
  }
  return { set: { isActive, proficiency } };
}
