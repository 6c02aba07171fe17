// The original spec's `campaign-agents` target. NOT a public CXone API (neither NICE's nor Genesys's published
// APIs have this path): it exists for gateways that expose this shape. It reads and writes the same skill state as the Admin API, through the
// campaign ↔ skill mapping.
import { randomUUID } from 'node:crypto';
import { CxoneHttpError, methodNotAllowed, parseJsonBody, type RouteResult } from '../http.ts';
import { chance } from '../random.ts';
import type { SandboxRequest, SandboxRuntime } from '../runtime.ts';
import type { BoundSkill, SkillMembership } from '../skill-state.ts';
import { requireToken } from './require-token.ts';

const CAMPAIGN_AGENTS_PATH = /^\/api\/v2\/outbound\/campaigns\/([^/]+)\/agents$/;

export function routeCampaignApi(runtime: SandboxRuntime, request: SandboxRequest): RouteResult | undefined {
  const campaignId = CAMPAIGN_AGENTS_PATH.exec(request.path)?.[1];
  if (campaignId === undefined) return undefined;
  if (request.method !== 'GET' && request.method !== 'PUT') throw methodNotAllowed(request, 'GET, PUT');
  requireToken(runtime, request);
  const skill = runtime.state.skillByCampaign(decodeURIComponent(campaignId));
  if (!skill) throw new CxoneHttpError(404, 'not_found', `Campaign ${campaignId} not found`);
  return request.method === 'GET'
    ? readCampaign(runtime, skill)
    : replaceCampaign(runtime, skill, request.body);
}

/** Our read extension: the campaign's agents as the original spec's writer would send them. */
function readCampaign(runtime: SandboxRuntime, skill: BoundSkill): RouteResult {
  const agents = runtime.state
    .list(skill.skillId)
    .map((member) => ({
      userId: runtime.directory.byId(member.agentId)?.userId ?? String(member.agentId),
      isActive: member.isActive,
      proficiency: member.proficiency,
    }))
    .sort((a, b) => a.userId.localeCompare(b.userId));
  return { status: 200, body: { campaignId: skill.campaignId, agents } };
}

/** Atomic PUT of the whole desired set: all or nothing (400 invalid, 409 capacity conflict). */
function replaceCampaign(runtime: SandboxRuntime, skill: BoundSkill, body: string): RouteResult {
  const desired = parseDesiredAgents(runtime, skill, parseJsonBody(body));
  const active = [...desired.values()].filter((member) => member.isActive).length;
  const limit = runtime.capacityLimit;
  if (limit !== undefined && active > limit) return capacityConflict(active, limit);
  // The injected conflict needs someone to drop, so it never fires for an all-inactive set.
  if (active > 0 && chance(runtime.random, runtime.faults.rate409)) {
    return { ...capacityConflict(active, Math.ceil(active / 2)), fault: 'rate409' };
  }
  runtime.state.replace(skill.skillId, desired);
  return {
    status: 200,
    body: {
      campaignId: skill.campaignId,
      agentsUpdated: desired.size,
      assignmentId: randomUUID(),
      timestamp: runtime.nowIso(),
    },
  };
}

function capacityConflict(active: number, maxActiveAgents: number): RouteResult {
  return {
    status: 409,
    error: {
      code: 'capacity_conflict',
      description: `${active} active agents exceed the campaign capacity of ${maxActiveAgents}`,
      extra: { maxActiveAgents },
    },
  };
}

/**
 * `{campaignId?, agents:[{userId, isActive?=true, proficiency?=1, …extra fields ignored}]}` → agentId → membership.
 * Every problem is collected into one 400.
 */
function parseDesiredAgents(
  runtime: SandboxRuntime,
  skill: BoundSkill,
  parsed: unknown,
): Map<number, SkillMembership> {
  const payload = (parsed ?? {}) as { campaignId?: unknown; agents?: unknown };
  if (!Array.isArray(payload.agents)) {
    throw new CxoneHttpError(400, 'invalid_request', 'agents must be an array');
  }
  const problems: string[] = [];
  if (
    payload.campaignId !== undefined &&
    String(payload.campaignId).toLowerCase() !== skill.campaignId.toLowerCase()
  ) {
    problems.push('campaignId in the body does not match the path');
  }
  const desired = new Map<number, SkillMembership>();
  payload.agents.forEach((item: unknown, index: number) => {
    const agent = (item ?? {}) as { userId?: unknown; isActive?: unknown; proficiency?: unknown };
    const where = `agents[${index}]`;
    const known = typeof agent.userId === 'string' ? runtime.directory.byUser(agent.userId) : undefined;
    const isActive = agent.isActive ?? true;
    const proficiency = agent.proficiency ?? 1;
    if (!known) problems.push(`${where}.userId ${JSON.stringify(agent.userId)} is not a known agent`);
    else if (desired.has(known.agentId)) problems.push(`${where}.userId ${known.userId} is listed twice`);
    if (typeof isActive !== 'boolean') problems.push(`${where}.isActive must be a boolean`);
    if (
      typeof proficiency !== 'number' ||
      !Number.isInteger(proficiency) ||
      proficiency < 1 ||
      proficiency > 5
    ) {
      problems.push(`${where}.proficiency must be an integer 1 … 5`);
    }
    if (known && typeof isActive === 'boolean' && typeof proficiency === 'number') {
      desired.set(known.agentId, { isActive, proficiency });
    }
  });
  if (problems.length > 0) throw new CxoneHttpError(400, 'invalid_request', problems.join('; '));
  return desired;
}
