// Test-only routes (not CXone): inspect state and the request log, inject faults. Never faulted, never logged.
import * as z from 'zod';
import { faultsUpdateSchema } from '../faults.ts';
import { CxoneHttpError, methodNotAllowed, parseJsonBody, type RouteResult } from '../http.ts';
import type { SandboxRequest, SandboxRuntime } from '../runtime.ts';
import { MAX_AGENT_COUNT } from '../seed.ts';

/** Body of `PUT /sandbox/agents`. */
const agentsUpdateSchema = z.strictObject({ count: z.number().int().min(0).max(MAX_AGENT_COUNT) });

export function isSandboxControlPath(path: string): boolean {
  return path === '/sandbox' || path.startsWith('/sandbox/');
}

export function routeSandboxControl(runtime: SandboxRuntime, request: SandboxRequest): RouteResult {
  const { method } = request;
  switch (request.path) {
    case '/sandbox/state':
      if (method === 'GET') return { status: 200, body: snapshot(runtime) };
      if (method === 'DELETE') {
        runtime.state.reset();
        return { status: 200, body: snapshot(runtime) };
      }
      throw methodNotAllowed(request, 'GET, DELETE');
    case '/sandbox/requests':
      if (method === 'GET') return { status: 200, body: runtime.requests };
      if (method === 'DELETE') {
        runtime.requests.length = 0;
        return { status: 204 };
      }
      throw methodNotAllowed(request, 'GET, DELETE');
    case '/sandbox/tokens':
      if (method === 'GET') return { status: 200, body: { tokens: runtime.tokens.issuedSoFar() } };
      throw methodNotAllowed(request, 'GET');
    case '/sandbox/agents':
      if (method === 'GET') return { status: 200, body: { count: runtime.directory.all.length } };
      if (method === 'PUT') {
        runtime.reseedAgents(parseControlBody(agentsUpdateSchema, request.body).count);
        return { status: 200, body: { count: runtime.directory.all.length } };
      }
      throw methodNotAllowed(request, 'GET, PUT');
    case '/sandbox/faults':
      if (method === 'GET') return { status: 200, body: runtime.faults };
      if (method === 'PUT') {
        runtime.updateFaults(parseControlBody(faultsUpdateSchema, request.body));
        return { status: 200, body: runtime.faults };
      }
      if (method === 'DELETE') {
        runtime.resetFaults();
        return { status: 200, body: runtime.faults };
      }
      throw methodNotAllowed(request, 'GET, PUT, DELETE');
    default:
      throw new CxoneHttpError(404, 'not_found', `No sandbox route ${request.path}`);
  }
}

/** `{skills: {"<skillId>": [{agentId, userId, isActive, proficiency}]}}` */
function snapshot(runtime: SandboxRuntime): { skills: Record<string, unknown[]> } {
  const skills: Record<string, unknown[]> = {};
  for (const skill of runtime.state.skills) {
    skills[String(skill.skillId)] = runtime.state.list(skill.skillId).map((member) => ({
      agentId: member.agentId,
      userId: runtime.directory.byId(member.agentId)?.userId ?? '',
      isActive: member.isActive,
      proficiency: member.proficiency,
    }));
  }
  return { skills };
}

function parseControlBody<T>(schema: z.ZodType<T>, body: string): T {
  const parsed = schema.safeParse(body.trim() === '' ? {} : parseJsonBody(body));
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`,
    );
    throw new CxoneHttpError(400, 'invalid_request', problems.join('; '));
  }
  return parsed.data;
}
