/**
 * The `campaign-agents` target: the original specification's contract — `POST {issuer}/oauth2/token`
 * (client credentials) and `GET|PUT {issuer}/api/v2/outbound/campaigns/{id}/agents`, 409 = capacity conflict.
 * This is NOT a public NICE CXone API (real CXone assigns a campaign's agents through its skill: the `admin`
 * target); it exists for gateways that expose that shape and for the local sandbox.
 */
import { diffMembership, type MembershipScope } from '../domain/membership.ts';
import type { SkillAssignment, SkillMember } from '../domain/types.ts';
import { readProficiency } from './admin-responses.ts';
import { CxoneConflictError, CxoneUnsupportedError } from './errors.ts';
import { isRecord } from './http.ts';
import { type ClientRuntime, postTokenForm, type Session, sendAuthorized, withSession } from './session.ts';
import type { CallContext, CampaignTarget, ConvergeResult, CxoneAssignmentClient } from './types.ts';
import { type AgentWrite, settle } from './verify.ts';

const DEFAULT_SCOPE: MembershipScope = { mode: 'managed', managed: [] };

export function createCampaignAgentsClient(options: { runtime: ClientRuntime }): CxoneAssignmentClient {
  const { runtime } = options;
  const { now } = runtime.http;

  function requestToken(session: Session, ctx: CallContext) {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    const url = `${session.credentials.issuer}/oauth2/token`;
    return postTokenForm(runtime, session, url, form, ctx, 'form-encoded');
  }

  function agentsUrl(session: Session, target: CampaignTarget) {
    return `${session.credentials.issuer}/api/v2/outbound/campaigns/${encodeURIComponent(target.campaignId)}/agents`;
  }

  async function read(session: Session, target: CampaignTarget, ctx: CallContext): Promise<SkillMember[]> {
    const { body } = await sendAuthorized(runtime, session, requestToken, {
      method: 'GET',
      url: agentsUrl(session, target),
      operation: 'GET /api/v2/outbound/campaigns/{id}/agents',
      ctx,
    });
    return parseCampaignAgents(body);
  }

  /**
   * The whole set in one PUT (replacement semantics). In `managed` mode the members that are not the campaign's are
   * sent back as they are, so the replacement leaves them be.
   */
  async function put(
    session: Session,
    target: CampaignTarget,
    agents: readonly SkillMember[],
    foreignActive: number,
    ctx: CallContext,
  ) {
    try {
      const { body } = await sendAuthorized(runtime, session, requestToken, {
        method: 'PUT',
        url: agentsUrl(session, target),
        operation: 'PUT /api/v2/outbound/campaigns/{id}/agents',
        body: JSON.stringify({
          agents: agents.map(({ userId, isActive, proficiency }) => ({ userId, isActive, proficiency })),
        }),
        conflictMeansCapacity: true,
        ctx,
      });
      return body;
    } catch (error) {
      // The gateway's limit counts every active member; load balancing re-plans only the campaign's own agents.
      if (!(error instanceof CxoneConflictError) || error.limit === undefined || foreignActive === 0)
        throw error;
      throw new CxoneConflictError(error.message, {
        status: error.status,
        operation: error.operation,
        ...(error.code ? { code: error.code } : {}),
        limit: Math.max(0, error.limit - foreignActive),
        cause: error,
      });
    }
  }

  async function converge(
    target: CampaignTarget,
    desired: SkillAssignment[],
    ctx: CallContext,
    scope: MembershipScope = DEFAULT_SCOPE,
  ): Promise<ConvergeResult> {
    const startedAt = now();
    return withSession(runtime, async (session) => {
      const before = await read(session, target, ctx);
      const diff = diffMembership(before, desired, scope);
      // This contract lists every member: a managed agent it does not list is off the skill.
      const writes = new Map<string, AgentWrite>(
        diff.unlisted.map((userId) => [userId, { method: 'DELETE', outcome: 'absent' }]),
      );
      let after = before;
      let reads = 1;
      const nothingToDo = diff.add.length + diff.update.length + diff.remove.length === 0;
      if (!nothingToDo) {
        const kept = scope.mode === 'managed' ? before.filter((m) => diff.foreign.includes(m.userId)) : [];
        const foreignActive = kept.filter((member) => member.isActive).length;
        const body = await put(session, target, [...desired, ...kept], foreignActive, ctx);
        const refusals = parseAgentFailures(body);
        for (const agent of desired) {
          const refused = refusals.get(agent.userId);
          writes.set(agent.userId, { method: 'PUT', outcome: refused ? { refused } : 'ok' });
        }
        for (const userId of diff.remove) writes.set(userId, { method: 'DELETE', outcome: 'ok' });
        after = await read(session, target, ctx);
        reads = 2;
      }
      const settled = settle({
        desired,
        scope,
        before,
        diff,
        after,
        hiddenAgents: 0,
        writes,
        unwritable: new Map(),
      });
      return {
        reads,
        writes: nothingToDo ? 0 : 1,
        ...settled,
        confirmedBy: 'read',
        cxoneMs: now() - startedAt,
      };
    });
  }

  return {
    target: 'campaign-agents',
    converge,
    // This contract lists every member and hides none.
    readSkill: (target, ctx) =>
      withSession(runtime, async (session) => ({
        members: await read(session, target, ctx),
        hiddenAgents: 0,
      })),
    getSkill: async (skillId) => {
      throw new CxoneUnsupportedError(
        `GET /skills/${skillId}: the campaign-agents target has no skill lookup (the original spec's contract ` +
          'knows campaigns, not CXone skills); use the admin target to check a skill',
        { operation: 'GET /skills/{skillId}' },
      );
    },
  };
}

function parseCampaignAgents(body: unknown): SkillMember[] {
  const list = isRecord(body) && Array.isArray(body.agents) ? body.agents : [];
  return list.flatMap((item: unknown) => {
    if (!isRecord(item) || typeof item.userId !== 'string') return [];
    return [
      {
        userId: item.userId,
        isActive: item.isActive === true,
        proficiency: readProficiency(item.proficiency),
      },
    ];
  });
}

/** Per-agent refusals, when the gateway reports them as `failedAgents: [{userId, reason|error}]`. */
function parseAgentFailures(body: unknown): Map<string, string> {
  const list = isRecord(body) && Array.isArray(body.failedAgents) ? body.failedAgents : [];
  const failures = new Map<string, string>();
  for (const item of list) {
    if (!isRecord(item) || typeof item.userId !== 'string') continue;
    const reason = [item.reason, item.error].find((value) => typeof value === 'string');
    failures.set(item.userId, typeof reason === 'string' ? reason.slice(0, 300) : 'refused');
  }
  return failures;
}
