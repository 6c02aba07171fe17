import {
  CxoneHttpError,
  headerValue,
  methodNotAllowed,
  page,
  parseJsonBody,
  type RouteResult,
} from '../http.ts';
import { chance } from '../random.ts';
import type { SandboxRequest, SandboxRuntime } from '../runtime.ts';
import { SANDBOX_BUSINESS_UNIT_ID } from '../seed.ts';
import type { SkillMembership } from '../skill-state.ts';
import { requireToken } from './require-token.ts';

const ADMIN_PATH = /^\/inContactAPI\/services\/v\d+\.0(\/.*)$/i;
const SKILL_AGENTS_PATH = /^\/skills\/(\d+)\/agents$/i;
const SKILL_AGENT_PATH = /^\/skills\/(\d+)\/agents\/(\d+)$/i;
/** Observed CXone paging: default 50, at most 100 (research/cxone-api.md §1.3). */
const AGENTS_DEFAULT_TOP = 50;
const MAX_TOP = 100;

type AgentResult = { agentId: number; success: true } | { agentId: number; success: false; error: string };
type AgentChange = { agentId: number; isActive?: unknown; proficiency?: unknown };
type WriteOperation = 'assign' | 'update' | 'remove';
type PlannedChange = { refused: string } | { remove: true } | { set: SkillMembership };

/** CXone Admin API, any version `v{N}.0`: agent lookup and skill-agent assignments. */
export function routeAdminApi(runtime: SandboxRuntime, request: SandboxRequest): RouteResult | undefined {
  const subPath = ADMIN_PATH.exec(request.path)?.[1];
  if (subPath === undefined) return undefined;

  if (/^\/agents$/i.test(subPath)) {
    return guarded(runtime, request, 'GET', () => listAgents(runtime, request.query));
  }
  const skillAgents = SKILL_AGENTS_PATH.exec(subPath);
  if (skillAgents?.[1]) {
    const skillId = Number(skillAgents[1]);
    return guarded(runtime, request, 'GET, POST, PUT, DELETE', () => {
      requireSkill(runtime, skillId);
      if (request.method === 'GET') return listSkillAgents(runtime, skillId, request.query);
      const operation = ({ POST: 'assign', PUT: 'update', DELETE: 'remove' } as const)[request.method];
      if (!operation) throw methodNotAllowed(request, 'GET, POST, PUT, DELETE');
      return writeSkillAgents(runtime, skillId, operation, parseAgentChanges(request.body));
    });
  }
  const skillAgent = SKILL_AGENT_PATH.exec(subPath);
  if (skillAgent?.[1] && skillAgent[2]) {
    const skillId = Number(skillAgent[1]);
    const agentId = Number(skillAgent[2]);
    return guarded(runtime, request, 'DELETE', () => {
      requireSkill(runtime, skillId);
      return writeSkillAgents(runtime, skillId, 'remove', [{ agentId }]);
    });
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

function requireSkill(runtime: SandboxRuntime, skillId: number): void {
  if (!runtime.state.skillById(skillId)) {
    throw new CxoneHttpError(404, 'not_found', `Skill ${skillId} not found`);
  }
  if (runtime.forbiddenSkillIds.has(skillId)) {
    throw new CxoneHttpError(403, 'forbidden', `The access key's role has no permission on skill ${skillId}`);
  }
}

/** `GET /agents?searchString=&skip=&top=`: searchString is a substring match, so clients filter exact userId. */
function listAgents(runtime: SandboxRuntime, query: URLSearchParams): RouteResult {
  const searchString = query.get('searchString');
  const matches = searchString ? runtime.directory.search(searchString) : [...runtime.directory.all];
  return {
    status: 200,
    body: {
      businessUnitId: SANDBOX_BUSINESS_UNIT_ID,
      lastPollTime: runtime.nowIso(),
      totalRecords: matches.length,
      agents: page(matches, query, AGENTS_DEFAULT_TOP, MAX_TOP).map((agent) => ({
        agentId: agent.agentId,
        userId: agent.userId,
        // CXone's GET /agents spells it userID; both are sent so either reading works.
        userID: agent.userId,
        userName: agent.userName,
        firstName: agent.firstName,
        lastName: agent.lastName,
        emailAddress: agent.emailAddress,
        isActive: true,
        teamId: 1,
        teamName: 'Sandbox team',
      })),
    },
  };
}

function listSkillAgents(runtime: SandboxRuntime, skillId: number, query: URLSearchParams): RouteResult {
  const skill = runtime.state.skillById(skillId)!;
  const members = runtime.state.list(skillId);
  return {
    status: 200,
    body: {
      businessUnitId: SANDBOX_BUSINESS_UNIT_ID,
      lastPollTime: runtime.nowIso(),
      totalRecords: members.length,
      agentSkillAssignments: page(members, query, undefined, MAX_TOP).map((member) => {
        const agent = runtime.directory.byId(member.agentId);
        return {
          agentId: member.agentId,
          userId: agent?.userId ?? '',
          firstName: agent?.firstName ?? '',
          lastName: agent?.lastName ?? '',
          skillId,
          skillName: `Preview dialer ${skillId}`,
          agentProficiencyValue: member.proficiency,
          isActive: member.isActive,
          isSkillActive: true,
          isOutbound: true,
          isDialer: true,
          outboundStrategy: 'Personal Connection',
          campaignId: skill.campaignId,
          mediaTypeId: 4,
          mediaTypeName: 'Phone Call',
        };
      }),
    },
  };
}

/** Body `{agents:[{agentId, isActive?, proficiency?}]}`; a malformed list is a 400, a bad agent a per-agent error. */
function parseAgentChanges(body: string): AgentChange[] {
  const parsed = parseJsonBody(body);
  const agents = (parsed as { agents?: unknown } | null)?.agents;
  if (!Array.isArray(agents) || agents.length === 0) {
    throw new CxoneHttpError(400, 'invalid_request', 'agents must be a non-empty array');
  }
  return agents.map((item, index) => {
    const raw = (item as { agentId?: unknown } | null)?.agentId;
    const agentId = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
    if (typeof agentId !== 'number' || !Number.isInteger(agentId)) {
      throw new CxoneHttpError(400, 'invalid_request', `agents[${index}].agentId must be an integer`);
    }
    return { ...(item as object), agentId };
  });
}

/** Applies each agent independently; refused agents keep their state and are listed in resultSet. */
function writeSkillAgents(
  runtime: SandboxRuntime,
  skillId: number,
  operation: WriteOperation,
  changes: AgentChange[],
): RouteResult {
  const agentResults = changes.map((change): AgentResult => {
    const planned = planChange(runtime, skillId, operation, change);
    if ('refused' in planned) return { agentId: change.agentId, success: false, error: planned.refused };
    if (chance(runtime.random, runtime.faults.agentErrorRate)) {
      return { agentId: change.agentId, success: false, error: 'Injected agent error (agentErrorRate)' };
    }
    if ('remove' in planned) runtime.state.remove(skillId, change.agentId);
    else runtime.state.set(skillId, change.agentId, planned.set);
    return { agentId: change.agentId, success: true };
  });
  const errorCount = agentResults.filter((result) => !result.success).length;
  return { status: 200, body: { resultSet: { errorCount, agentResults } } };
}

/** The agent's new membership, its removal, or why the change is refused. */
function planChange(
  runtime: SandboxRuntime,
  skillId: number,
  operation: WriteOperation,
  change: AgentChange,
): PlannedChange {
  const { agentId } = change;
  if (!runtime.directory.byId(agentId)) return { refused: `Agent ${agentId} not found` };
  const current = runtime.state.get(skillId, agentId);
  if (operation === 'assign' && current) {
    return { refused: `Agent ${agentId} is already assigned to skill ${skillId}` };
  }
  if (operation !== 'assign' && !current) {
    return { refused: `Agent ${agentId} is not assigned to skill ${skillId}` };
  }
  if (operation === 'remove') return { remove: true };

  const proficiency = change.proficiency ?? current?.proficiency ?? 1;
  if (
    typeof proficiency !== 'number' ||
    !Number.isInteger(proficiency) ||
    proficiency < 1 ||
    proficiency > 5
  ) {
    return {
      refused: `Invalid proficiency ${JSON.stringify(proficiency)}: must be an integer 1 (highest) … 5`,
    };
  }
  const isActive = change.isActive ?? current?.isActive ?? true;
  if (typeof isActive !== 'boolean') {
    return { refused: `Invalid isActive ${JSON.stringify(isActive)}: must be a boolean` };
  }
  return { set: { isActive, proficiency } };
}
