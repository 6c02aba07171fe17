// The `admin` target: real CXone. Discovery (`/.well-known/openid-configuration`, then `cxone-configuration` for the
// tenant's API host) → a token for the access key (password grant) → Admin API `/skills/{skillId}/agents`.
import { diffSkillAssignments, isEmptyDiff } from '../domain/diff.ts';
import type { SkillAssignment, SkillDiff } from '../domain/types.ts';
import {
  parseAgentFailures,
  parseAgents,
  parseSkill,
  parseSkillAgents,
  requireUrl,
  type SkillMember,
  tenantIdFromIdToken,
} from './admin-responses.ts';
import { CxonePermanentError } from './errors.ts';
import {
  type ClientRuntime,
  getToken,
  postTokenForm,
  type Session,
  sendAuthorized,
  sendPublic,
  withSession,
} from './session.ts';
import type {
  CallContext,
  CampaignTarget,
  ConvergeResult,
  CxoneAssignmentClient,
  CxoneSkill,
  FailedAgent,
} from './types.ts';
import { alreadyConverged, explainRemaining, summarizeApplied } from './verify.ts';

export interface AdminClientOptions {
  runtime: ClientRuntime;
  /** e.g. `v30.0`. */
  apiVersion: string;
  /** How long a listing of the tenant's agents answers userId → agentId misses without a new listing. */
  agentDirectoryMaxAgeMs?: number;
}

/** Agents per POST/PUT/DELETE body. */
const WRITE_BATCH_SIZE = 100;
/** CXone pages with skip/top; 100 is the largest page clients observe working. */
const PAGE_SIZE = 100;
const DEFAULT_AGENT_DIRECTORY_MAX_AGE_MS = 5 * 60_000;

interface AgentDirectory {
  byUserId: Map<string, number>;
  listedAt: number;
  /** The listing in flight: concurrent converges that miss a userId wait for it instead of listing again. */
  listing?: Promise<void>;
}

export function createAdminClient(options: AdminClientOptions): CxoneAssignmentClient {
  const { runtime, apiVersion } = options;
  const { now } = runtime.http;
  const directoryMaxAgeMs = options.agentDirectoryMaxAgeMs ?? DEFAULT_AGENT_DIRECTORY_MAX_AGE_MS;
  const tokenEndpoints = new Map<string, Promise<string>>();
  const apiEndpoints = new Map<string, Promise<string>>();
  const directories = new Map<string, AgentDirectory>();

  function cached(map: Map<string, Promise<string>>, key: string, load: () => Promise<string>) {
    let value = map.get(key);
    if (!value) {
      value = load();
      map.set(key, value);
      value.catch(() => map.delete(key));
    }
    return value;
  }

  async function discoverTokenEndpoint(session: Session, ctx: CallContext): Promise<string> {
    const { issuer } = session.credentials;
    return cached(tokenEndpoints, issuer, async () => {
      const { body } = await sendPublic(runtime, session, {
        method: 'GET',
        url: `${issuer}/.well-known/openid-configuration`,
        operation: 'GET /.well-known/openid-configuration',
        ctx,
      });
      return requireUrl(body, 'token_endpoint', 'openid-configuration');
    });
  }

  async function requestToken(session: Session, ctx: CallContext) {
    const tokenEndpoint = await discoverTokenEndpoint(session, ctx);
    const form = new URLSearchParams({
      grant_type: 'password',
      username: session.credentials.accessKeyId ?? '',
      password: session.credentials.accessKeySecret ?? '',
    });
    return postTokenForm(runtime, session, tokenEndpoint, form, ctx);
  }

  /** `{api_endpoint}/inContactAPI/services/{apiVersion}`; the secret's apiEndpoint wins over discovery. */
  async function apiBase(session: Session, ctx: CallContext): Promise<string> {
    const { credentials } = session;
    if (credentials.apiEndpoint) return `${credentials.apiEndpoint}/inContactAPI/services/${apiVersion}`;
    let tenantId = credentials.tenantId;
    if (!tenantId) {
      const token = await getToken(runtime, session, requestToken, ctx);
      tenantId = tenantIdFromIdToken(token.idToken);
    }
    const resolvedTenantId = tenantId;
    const endpoint = await cached(apiEndpoints, `${credentials.issuer}|${resolvedTenantId}`, async () => {
      const { body } = await sendPublic(runtime, session, {
        method: 'GET',
        url: `${credentials.issuer}/.well-known/cxone-configuration?tenantId=${encodeURIComponent(resolvedTenantId)}`,
        operation: 'GET /.well-known/cxone-configuration',
        ctx,
      });
      return requireUrl(body, 'api_endpoint', 'cxone-configuration');
    });
    return `${endpoint}/inContactAPI/services/${apiVersion}`;
  }

  function api(session: Session, request: Parameters<typeof sendAuthorized>[3]) {
    return sendAuthorized(runtime, session, requestToken, request);
  }

  function directoryFor(session: Session): AgentDirectory {
    const key = `${session.credentials.issuer}|${session.credentials.tenantId ?? session.tokenKey}`;
    let directory = directories.get(key);
    if (!directory) {
      directory = { byUserId: new Map(), listedAt: Number.NEGATIVE_INFINITY };
      directories.set(key, directory);
    }
    return directory;
  }

  async function readSkillMembers(
    session: Session,
    target: CampaignTarget,
    ctx: CallContext,
    counter: Counter,
  ) {
    const base = await apiBase(session, ctx);
    const members = new Map<number, SkillMember>();
    await readPages(async (skip) => {
      counter.reads++;
      const { body } = await api(session, {
        method: 'GET',
        url: `${base}/skills/${target.skillId}/agents?skip=${skip}&top=${PAGE_SIZE}`,
        operation: 'GET /skills/{skillId}/agents',
        ctx,
      });
      const page = parseSkillAgents(body);
      for (const member of page.items) members.set(member.agentId, member);
      return page;
    });
    const directory = directoryFor(session);
    for (const member of members.values()) directory.byUserId.set(member.userId, member.agentId);
    return [...members.values()];
  }

  async function listAgents(session: Session, directory: AgentDirectory, ctx: CallContext, counter: Counter) {
    const base = await apiBase(session, ctx);
    await readPages(async (skip) => {
      counter.reads++;
      const { body } = await api(session, {
        method: 'GET',
        url: `${base}/agents?skip=${skip}&top=${PAGE_SIZE}`,
        operation: 'GET /agents',
        ctx,
      });
      const page = parseAgents(body);
      for (const agent of page.items) directory.byUserId.set(agent.userId, agent.agentId);
      return page;
    });
    directory.listedAt = now();
  }

  /** userId → agentId; lists the tenant's agents (paged) when a userId is unknown and the listing is stale. */
  async function resolveAgentIds(
    session: Session,
    userIds: string[],
    ctx: CallContext,
    counter: Counter,
  ): Promise<Map<string, number>> {
    const directory = directoryFor(session);
    const missing = userIds.filter((userId) => !directory.byUserId.has(userId));
    if (missing.length > 0 && now() - directory.listedAt >= directoryMaxAgeMs) {
      directory.listing ??= listAgents(session, directory, ctx, counter).finally(() => {
        directory.listing = undefined;
      });
      await directory.listing;
    }
    const resolved = new Map<string, number>();
    for (const userId of userIds) {
      const agentId = directory.byUserId.get(userId);
      if (agentId !== undefined) resolved.set(userId, agentId);
    }
    return resolved;
  }

  async function write(
    session: Session,
    method: 'POST' | 'PUT' | 'DELETE',
    target: CampaignTarget,
    agents: Array<{ agentId: number; userId: string; isActive?: boolean; proficiency?: number }>,
    ctx: CallContext,
    counter: Counter,
    outcomes: Map<string, FailedAgent>,
  ) {
    if (agents.length === 0) return;
    const base = await apiBase(session, ctx);
    for (let start = 0; start < agents.length; start += WRITE_BATCH_SIZE) {
      const batch = agents.slice(start, start + WRITE_BATCH_SIZE);
      const userIdByAgentId = new Map(batch.map((agent) => [agent.agentId, agent.userId]));
      const body = {
        agents: batch.map(({ agentId, isActive, proficiency }) =>
          method === 'DELETE' ? { agentId } : { agentId, isActive, proficiency },
        ),
      };
      counter.writes++;
      const response = await api(session, {
        method,
        url: `${base}/skills/${target.skillId}/agents`,
        operation: `${method} /skills/{skillId}/agents`,
        body: JSON.stringify(body),
        ctx,
      });
      for (const failure of parseAgentFailures(response.body)) {
        const userId = userIdByAgentId.get(failure.agentId);
        if (userId !== undefined) outcomes.set(userId, { userId, reason: failure.reason });
      }
    }
  }

  async function converge(
    target: CampaignTarget,
    desired: SkillAssignment[],
    ctx: CallContext,
  ): Promise<ConvergeResult> {
    const startedAt = now();
    return withSession(runtime, async (session) => {
      const counter: Counter = { reads: 0, writes: 0 };
      const before = await readSkillMembers(session, target, ctx, counter);
      const diff = diffSkillAssignments(before.map(toAssignment), desired);
      if (isEmptyDiff(diff))
        return alreadyConverged(before.map(toAssignment), counter.reads, now() - startedAt);

      const outcomes = new Map<string, FailedAgent>();
      const agentIdOnSkill = new Map(before.map((member) => [member.userId, member.agentId]));
      const addIds = await resolveAgentIds(
        session,
        diff.add.map((agent) => agent.userId),
        ctx,
        counter,
      );
      for (const agent of diff.add) {
        if (!addIds.has(agent.userId)) {
          outcomes.set(agent.userId, {
            userId: agent.userId,
            reason: 'unknown_user: no CXone agent has this userId',
          });
        }
      }
      const withAgentId = (agents: SkillAssignment[], ids: Map<string, number>) =>
        agents.flatMap((agent) => {
          const agentId = ids.get(agent.userId);
          return agentId === undefined ? [] : [{ ...agent, agentId }];
        });

      // Removals and updates (which may deactivate) first, so capacity is freed before agents are added.
      const removals = diff.remove.flatMap((userId) => {
        const agentId = agentIdOnSkill.get(userId);
        return agentId === undefined ? [] : [{ userId, agentId }];
      });
      await write(session, 'DELETE', target, removals, ctx, counter, outcomes);
      await write(session, 'PUT', target, withAgentId(diff.update, agentIdOnSkill), ctx, counter, outcomes);
      await write(session, 'POST', target, withAgentId(diff.add, addIds), ctx, counter, outcomes);

      const after = (await readSkillMembers(session, target, ctx, counter)).map(toAssignment);
      return finish(before.map(toAssignment), diff, desired, after, outcomes, counter, now() - startedAt);
    });
  }

  /** `GET /skills/{skillId}`; undefined when CXone answers 404 (no such skill) or 204 (nothing to show). */
  async function getSkill(skillId: number, ctx: CallContext): Promise<CxoneSkill | undefined> {
    return withSession(runtime, async (session) => {
      const base = await apiBase(session, ctx);
      try {
        const { status, body } = await api(session, {
          method: 'GET',
          url: `${base}/skills/${encodeURIComponent(String(skillId))}`,
          operation: 'GET /skills/{skillId}',
          ctx,
        });
        return status === 204 ? undefined : parseSkill(body);
      } catch (error) {
        if (error instanceof CxonePermanentError && error.status === 404) return undefined;
        throw error;
      }
    });
  }

  return {
    target: 'admin',
    converge,
    getSkill,
  };
}

interface Counter {
  reads: number;
  writes: number;
}

/** Safety stop for a server that keeps answering full pages (100 pages = 10,000 agents). */
const MAX_PAGES = 100;

/**
 * skip/top paging: advances by what the server returned (it may cap `top` lower than asked) and stops at an empty
 * or short page, or once `totalRecords` items were seen.
 */
async function readPages(
  readPage: (skip: number) => Promise<{ items: unknown[]; totalRecords: number | undefined }>,
): Promise<void> {
  let skip = 0;
  for (let pages = 0; pages < MAX_PAGES; pages++) {
    const { items, totalRecords } = await readPage(skip);
    skip += items.length;
    const done =
      items.length === 0 || (totalRecords === undefined ? items.length < PAGE_SIZE : skip >= totalRecords);
    if (done) return;
  }
}

function finish(
  before: SkillAssignment[],
  diff: SkillDiff,
  desired: SkillAssignment[],
  after: SkillAssignment[],
  outcomes: Map<string, FailedAgent>,
  counter: Counter,
  cxoneMs: number,
): ConvergeResult {
  const remaining = diffSkillAssignments(after, desired);
  const failedAgents: FailedAgent[] = explainRemaining(remaining, outcomes);
  return {
    ...counter,
    ...summarizeApplied(diff, failedAgents),
    failedAgents,
    verified: isEmptyDiff(remaining),
    before,
    current: after,
    cxoneMs,
  };
}

function toAssignment(member: SkillMember): SkillAssignment {
  return { userId: member.userId, isActive: member.isActive, proficiency: member.proficiency };
}
