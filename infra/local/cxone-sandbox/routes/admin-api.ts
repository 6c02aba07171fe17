import {
  ADMIN_PATH,
  CxoneHttpError,
  headerValue,
  MAX_PAGE_SIZE,
  methodNotAllowed,
  page,
  type RouteResult,
} from '../http.ts';
import type { SandboxRequest, SandboxRuntime } from '../runtime.ts';
import { SANDBOX_BUSINESS_UNIT_ID, type SkillProfile } from '../seed.ts';
import { requireToken } from './require-token.ts';
import { listSkillAgents, removeOneSkillAgent, writeSkillAgents } from './skill-agents.ts';

const SKILL_PATH = /^\/skills\/([^/]+)$/i;
const SKILL_AGENTS_PATH = /^\/skills\/([^/]+)\/agents$/i;
const SKILL_AGENT_PATH = /^\/skills\/([^/]+)\/agents\/([^/]+)$/i;
/** `GET /agents` without `top`: 50, as clients observe on CXone. */
const AGENTS_DEFAULT_TOP = 50;

/** CXone Admin API, any version `v{N}.0`: skills, the agent directory and skill-agent assignments. */
export function routeAdminApi(runtime: SandboxRuntime, request: SandboxRequest): RouteResult | undefined {
  const subPath = ADMIN_PATH.exec(request.path)?.[1];
  if (subPath === undefined) return undefined;

  if (/^\/agents$/i.test(subPath)) {
    return guarded(runtime, request, 'GET', () => listAgents(runtime, request.query));
  }
  const skillAgents = SKILL_AGENTS_PATH.exec(subPath);
  if (skillAgents?.[1]) {
    const rawSkillId = skillAgents[1];
    return guarded(runtime, request, 'GET, POST, PUT, DELETE', () => {
      const skill = requireSkill(runtime, rawSkillId, true);
      if (request.method === 'GET') return listSkillAgents(runtime, skill, request.query);
      const operation = ({ POST: 'assign', PUT: 'update', DELETE: 'remove' } as const)[request.method];
      if (!operation) throw methodNotAllowed(request, 'GET, POST, PUT, DELETE');
      return writeSkillAgents(runtime, skill, operation, request.body);
    });
  }
  const skillAgent = SKILL_AGENT_PATH.exec(subPath);
  if (skillAgent?.[1] && skillAgent[2]) {
    const [, rawSkillId, rawAgentId] = skillAgent;
    return guarded(runtime, request, 'DELETE', () =>
      removeOneSkillAgent(runtime, requireSkill(runtime, rawSkillId, true), rawAgentId),
    );
  }
  const skill = SKILL_PATH.exec(subPath);
  if (skill?.[1]) {
    const rawSkillId = skill[1];
    return guarded(runtime, request, 'GET', () => skillDetails(requireSkill(runtime, rawSkillId, false)));
  }
  return undefined;
}

/** Method check (405), `Accept` check (406) and bearer token (401), in that order, then the handler. */
function guarded(
  runtime: SandboxRuntime,
  request: SandboxRequest,
  allow: string,
  handler: () => RouteResult,
): RouteResult {
  if (!allow.split(', ').includes(request.method)) throw methodNotAllowed(request, allow);
  const accept = headerValue(request.headers, 'accept');
  // Real CXone answers "No known way to render data" when Accept excludes JSON.
  if (accept && !/application\/json|application\/\*|\*\/\*/i.test(accept)) {
    throw new CxoneHttpError(406, 'not_acceptable', 'No known way to render data');
  }
  requireToken(runtime, request);
  return handler();
}

/** 404 in NICE's words for an unknown or non-numeric skillId; 403 for a restricted skill's agent routes. */
function requireSkill(runtime: SandboxRuntime, rawSkillId: string, agentRoute: boolean): SkillProfile {
  if (!/^\d+$/.test(rawSkillId)) {
    throw new CxoneHttpError(404, 'not_found', `Invalid skillId - '${rawSkillId}', must be an integer`);
  }
  const skill = runtime.state.skillById(Number(rawSkillId));
  if (!skill) throw new CxoneHttpError(404, 'not_found', `Invalid skillId - '${rawSkillId}', does not exist`);
  if (agentRoute && runtime.forbiddenSkillIds.has(skill.skillId)) {
    throw new CxoneHttpError(403, 'forbidden', `Skill - '${skill.skillId}' is restricted`);
  }
  return skill;
}

/** `GET /skills/{skillId}`: a subset of the fields NICE's OpenAPI lists, flat (not wrapped). */
function skillDetails(skill: SkillProfile): RouteResult {
  return {
    status: 200,
    body: {
      skillId: skill.skillId,
      skillName: skill.skillName,
      mediaTypeId: skill.mediaTypeId,
      mediaTypeName: skill.mediaTypeName,
      isActive: true,
      campaignId: skill.cxoneCampaignId,
      campaignName: skill.cxoneCampaignName,
      notes: '',
      acwTypeId: 1,
      requireDisposition: false,
      allowSecondaryDisposition: false,
      agentRestTime: 0,
      isOutbound: skill.isOutbound,
      outboundStrategy: skill.outboundStrategy,
      isRunning: false,
      priorityBlending: false,
      interruptible: false,
      initialPriority: 0,
      acceleration: 1,
      maxPriority: 1000,
      serviceLevelThreshold: 30,
      serviceLevelGoal: 90,
    },
  };
}

/**
 * `GET /agents?searchString=&skip=&top=`: searchString is a substring match, so clients filter the exact userId.
 * A page with nothing on it (no match, or skip past the end) is 204 No Content, as NICE documents.
 */
function listAgents(runtime: SandboxRuntime, query: URLSearchParams): RouteResult {
  const searchString = query.get('searchString');
  const matches = searchString ? runtime.directory.search(searchString) : [...runtime.directory.all];
  const agents = page(matches, query, AGENTS_DEFAULT_TOP, MAX_PAGE_SIZE);
  if (agents.length === 0) return { status: 204 };
  return {
    status: 200,
    body: {
      businessUnitId: SANDBOX_BUSINESS_UNIT_ID,
      lastPollTime: runtime.nowIso(),
      totalRecords: matches.length,
      agents: agents.map((agent) => ({
        agentId: agent.agentId,
        userId: agent.userId,
        // The current spec spells it userID, v23 userId; both are sent so either reading works.
        userID: agent.userId,
        userName: agent.userName,
        firstName: agent.firstName,
        middleName: '',
        lastName: agent.lastName,
        emailAddress: agent.emailAddress,
        isActive: true,
        teamId: 1,
        teamName: 'Sandbox team',
      })),
    },
  };
}
