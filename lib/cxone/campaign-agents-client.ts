/**
 * The `campaign-agents` target: the original specification's contract — `POST {issuer}/oauth2/token`
 * (client credentials) and `GET|PUT {issuer}/api/v2/outbound/campaigns/{id}/agents`, 409 = capacity conflict.
 * This is NOT a public NICE CXone API (real CXone assigns a campaign's agents through its skill: the `admin`
 * target); it exists for gateways that expose that shape and for the local sandbox.
 */
import { diffSkillAssignments, isEmptyDiff } from '../domain/diff.ts';
import type { SkillAssignment } from '../domain/types.ts';
import { CxoneUnsupportedError } from './errors.ts';
import { isRecord } from './http.ts';
import { type ClientRuntime, postTokenForm, type Session, sendAuthorized, withSession } from './session.ts';
import type {
  CallContext,
  CampaignTarget,
  ConvergeResult,
  CxoneAssignmentClient,
  FailedAgent,
} from './types.ts';
import { alreadyConverged, explainRemaining, summarizeApplied } from './verify.ts';

export function createCampaignAgentsClient(options: { runtime: ClientRuntime }): CxoneAssignmentClient {
  const { runtime } = options;
  const { now } = runtime.http;

  function requestToken(session: Session, ctx: CallContext) {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    return postTokenForm(runtime, session, `${session.credentials.issuer}/oauth2/token`, form, ctx);
  }

  function agentsUrl(session: Session, target: CampaignTarget) {
    return `${session.credentials.issuer}/api/v2/outbound/campaigns/${encodeURIComponent(target.campaignId)}/agents`;
  }

  async function read(
    session: Session,
    target: CampaignTarget,
    ctx: CallContext,
  ): Promise<SkillAssignment[]> {
    const { body } = await sendAuthorized(runtime, session, requestToken, {
      method: 'GET',
      url: agentsUrl(session, target),
      operation: 'GET /api/v2/outbound/campaigns/{id}/agents',
      ctx,
    });
    return parseCampaignAgents(body);
  }

  async function converge(
    target: CampaignTarget,
    desired: SkillAssignment[],
    ctx: CallContext,
  ): Promise<ConvergeResult> {
    const startedAt = now();
    return withSession(runtime, async (session) => {
      const before = await read(session, target, ctx);
      const diff = diffSkillAssignments(before, desired);
      if (isEmptyDiff(diff)) return alreadyConverged(before, 1, now() - startedAt);
      // The whole desired set in one PUT (replacement semantics); a 409 throws CxoneConflictError with the limit.
      const { body } = await sendAuthorized(runtime, session, requestToken, {
        method: 'PUT',
        url: agentsUrl(session, target),
        operation: 'PUT /api/v2/outbound/campaigns/{id}/agents',
        body: JSON.stringify({
          agents: desired.map(({ userId, isActive, proficiency }) => ({ userId, isActive, proficiency })),
        }),
        ctx,
      });
      const after = await read(session, target, ctx);
      const remaining = diffSkillAssignments(after, desired);
      const failedAgents = explainRemaining(remaining, parseAgentFailures(body));
      return {
        reads: 2,
        writes: 1,
        ...summarizeApplied(diff, failedAgents),
        failedAgents,
        verified: isEmptyDiff(remaining),
        before,
        current: after,
        cxoneMs: now() - startedAt,
      };
    });
  }

  return {
    target: 'campaign-agents',
    converge,
    getSkill: async (skillId) => {
      throw new CxoneUnsupportedError(
        `GET /skills/${skillId}: the campaign-agents target has no skill lookup (the original spec's contract ` +
          'knows campaigns, not CXone skills); use the admin target to check a skill',
        { operation: 'GET /skills/{skillId}' },
      );
    },
  };
}

function parseCampaignAgents(body: unknown): SkillAssignment[] {
  const list = isRecord(body) && Array.isArray(body.agents) ? body.agents : [];
  return list.flatMap((item: unknown) => {
    if (!isRecord(item) || typeof item.userId !== 'string') return [];
    const proficiency = Number(item.proficiency);
    return [
      {
        userId: item.userId,
        isActive: item.isActive === true,
        proficiency: Number.isFinite(proficiency) ? proficiency : 0,
      },
    ];
  });
}

/** Per-agent refusals, when the gateway reports them as `failedAgents: [{userId, reason|error}]`. */
function parseAgentFailures(body: unknown): Map<string, FailedAgent> {
  const list = isRecord(body) && Array.isArray(body.failedAgents) ? body.failedAgents : [];
  const failures = new Map<string, FailedAgent>();
  for (const item of list) {
    if (!isRecord(item) || typeof item.userId !== 'string') continue;
    const reason = [item.reason, item.error].find((value) => typeof value === 'string');
    failures.set(item.userId, {
      userId: item.userId,
      reason: typeof reason === 'string' ? reason.slice(0, 300) : 'refused',
    });
  }
  return failures;
}
