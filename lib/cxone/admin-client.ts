// The `admin` target: real CXone. Discovery (`/.well-known/openid-configuration`, then `cxone-configuration` for the
// tenant's API host) → a token for the access key (password grant) → Admin API `/skills/{skillId}/agents`.
import { diffMembership, type MembershipDiff, type MembershipScope } from '../domain/membership.ts';
import type { SkillAssignment } from '../domain/types.ts';
import {
  type ListedMember,
  parseSkill,
  parseSkillAgents,
  requireUrl,
  tenantIdFromIdToken,
} from './admin-responses.ts';
import { type AdminWriter, createAdminWriter, type WriteAgent } from './admin-writes.ts';
import { AgentDirectory } from './agent-directory.ts';
import { CxonePermanentError } from './errors.ts';
import { PAGE_SIZE, readAllPages } from './paging.ts';
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
  SkillRead,
} from './types.ts';
import { type AgentWrite, settle } from './verify.ts';

export interface AdminClientOptions {
  runtime: ClientRuntime;
  /** e.g. `v30.0`. */
  apiVersion: string;
  /** How long a listing of the tenant's agents answers userId → agentId misses without a new listing. */
  agentDirectoryMaxAgeMs?: number;
}

const DEFAULT_AGENT_DIRECTORY_MAX_AGE_MS = 5 * 60_000;
const DEFAULT_SCOPE: MembershipScope = { mode: 'managed', managed: [] };

interface Counter {
  reads: number;
  writes: number;
}

interface ListedSkill extends SkillRead {
  members: ListedMember[];
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
    // Clients that work against CXone's /auth/token base64 the raw clientId:clientSecret.
    return postTokenForm(runtime, session, tokenEndpoint, form, ctx, 'raw');
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
      directory = new AgentDirectory({ maxAgeMs: directoryMaxAgeMs, now });
      directories.set(key, directory);
    }
    return directory;
  }

  async function readSkill(
    session: Session,
    target: CampaignTarget,
    ctx: CallContext,
    counter: Counter,
  ): Promise<ListedSkill> {
    const base = await apiBase(session, ctx);
    let hiddenAgents = 0;
    const members = await readAllPages(
      async (skip) => {
        counter.reads++;
        const { body } = await api(session, {
          method: 'GET',
          url: `${base}/skills/${target.skillId}/agents?skip=${skip}&top=${PAGE_SIZE}`,
          operation: 'GET /skills/{skillId}/agents',
          ctx,
        });
        const page = parseSkillAgents(body);
        hiddenAgents = Math.max(hiddenAgents, page.hiddenAgents);
        return page;
      },
      (member) => member.agentId,
    );
    const directory = directoryFor(session);
    for (const member of members) directory.learn(member.userId, member.agentId);
    return { members, hiddenAgents };
  }

  async function lookUpAgents(session: Session, userIds: string[], ctx: CallContext, counter: Counter) {
    if (userIds.length === 0) return { found: new Map<string, number>(), unknown: [] };
    const base = await apiBase(session, ctx);
    return directoryFor(session).lookup(userIds, async (skip) => {
      counter.reads++;
      const { body } = await api(session, {
        method: 'GET',
        url: `${base}/agents?skip=${skip}&top=${PAGE_SIZE}`,
        operation: 'GET /agents',
        ctx,
      });
      return body;
    });
  }

  /** The writes of one diff: removals and updates (which may deactivate) first, then additions. */
  async function applyDiff(
    writer: AdminWriter,
    diff: MembershipDiff,
    agentIdOnSkill: Map<string, number>,
    lookedUp: Map<string, number>,
    writes: Map<string, AgentWrite>,
  ) {
    const withId = (agents: SkillAssignment[], ids: Map<string, number>): WriteAgent[] =>
      agents.flatMap((agent) => {
        const agentId = ids.get(agent.userId);
        return agentId === undefined ? [] : [{ ...agent, agentId }];
      });
    const removals = diff.remove.flatMap((userId) => {
      const agentId = agentIdOnSkill.get(userId);
      return agentId === undefined ? [] : [{ userId, agentId }];
    });
    await writer.remove(removals, writes);
    const unlisted = diff.unlisted.flatMap((userId) => {
      const agentId = lookedUp.get(userId);
      return agentId === undefined ? [] : [{ userId, agentId }];
    });
    await writer.removeUnlisted(unlisted, writes);
    await writer.update(withId(diff.update, agentIdOnSkill), writes);
    await writer.add(withId(diff.add, lookedUp), writes);
  }

  async function converge(
    target: CampaignTarget,
    desired: SkillAssignment[],
    ctx: CallContext,
    scope: MembershipScope = DEFAULT_SCOPE,
  ): Promise<ConvergeResult> {
    const startedAt = now();
    return withSession(runtime, async (session) => {
      const counter: Counter = { reads: 0, writes: 0 };
      const first = await readSkill(session, target, ctx, counter);
      const before = first.members.map(toMember);
      const diff = diffMembership(before, desired, scope);
      const writes = new Map<string, AgentWrite>();
      const unwritable = new Map<string, FailedAgent>();
      const nothingToDo =
        diff.add.length + diff.update.length + diff.remove.length + diff.unlisted.length === 0;
      let after = first;
      if (!nothingToDo) {
        const lookup = await lookUpAgents(
          session,
          [...diff.add.map((agent) => agent.userId), ...diff.unlisted],
          ctx,
          counter,
        );
        for (const userId of lookup.unknown) {
          unwritable.set(userId, { userId, reason: 'unknown_user: no CXone agent has this userId' });
        }
        const writer = createAdminWriter({
          send: (request) => api(session, { ...request, ctx }),
          base: await apiBase(session, ctx),
          skillId: target.skillId,
          counter,
        });
        const onSkill = new Map(first.members.map((member) => [member.userId, member.agentId]));
        await applyDiff(writer, diff, onSkill, lookup.found, writes);
        after = await readSkill(session, target, ctx, counter);
      }
      return {
        ...counter,
        ...settle({
          desired,
          scope,
          before,
          diff,
          after: after.members.map(toMember),
          hiddenAgents: after.hiddenAgents,
          writes,
          unwritable,
        }),
        cxoneMs: now() - startedAt,
      };
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
    readSkill: (target, ctx) =>
      withSession(runtime, (session) => readSkill(session, target, ctx, { reads: 0, writes: 0 })),
  };
}

function toMember(member: ListedMember) {
  return { userId: member.userId, isActive: member.isActive, proficiency: member.proficiency };
}
