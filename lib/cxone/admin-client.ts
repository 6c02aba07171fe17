// The `admin` target: real CXone. Discovery (`/.well-known/openid-configuration`, then `cxone-configuration` for the
// tenant's API host) → a token for the access key (password grant) → Admin API `/skills/{skillId}/agents`.
import { diffMembership, type MembershipDiff, type MembershipScope } from '../domain/membership.ts';
import { compareUserIds } from '../domain/planner.ts';
import type { SkillAssignment, SkillMember } from '../domain/types.ts';
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
  ConfirmedBy,
  ConvergeOptions,
  ConvergeResult,
  CxoneAssignmentClient,
  CxoneSkill,
  FailedAgent,
  SkillRead,
} from './types.ts';
import { type AgentWrite, applyWrites, contradictsPicture, settle, writesConfirm } from './verify.ts';

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
    agentIdOnSkill: ReadonlyMap<string, number>,
    lookedUp: Map<string, number>,
    writes: Map<string, AgentWrite>,
  ) {
    const withId = (agents: SkillAssignment[], ids: ReadonlyMap<string, number>): WriteAgent[] =>
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

  /**
   * Diffs `picture` against `desired` and writes the differences. With `agentIdOnSkill` undefined (a trusted picture,
   * which carries no agentIds) the members to remove or update are resolved from the agent directory without a
   * listing; answers undefined, having written nothing, when one is not known there (a read will give it).
   */
  async function writeRound(
    session: Session,
    call: { target: CampaignTarget; desired: SkillAssignment[]; ctx: CallContext; scope: MembershipScope },
    picture: Picture,
    counter: Counter,
  ): Promise<Round | undefined> {
    const { target, desired, ctx, scope } = call;
    const diff = diffMembership(picture.members, desired, scope);
    const round: Round = { ...picture, diff, writes: new Map(), unwritable: new Map(), wrote: false };
    if (diff.add.length + diff.update.length + diff.remove.length + diff.unlisted.length === 0) return round;
    let onSkill = picture.agentIds;
    if (!onSkill) {
      const directory = directoryFor(session);
      const ids = new Map<string, number>();
      for (const userId of [...diff.remove, ...diff.update.map((agent) => agent.userId)]) {
        const agentId = directory.known(userId);
        if (agentId === undefined) return undefined;
        ids.set(userId, agentId);
      }
      onSkill = ids;
    }
    const lookup = await lookUpAgents(
      session,
      [...diff.add.map((agent) => agent.userId), ...diff.unlisted],
      ctx,
      counter,
    );
    for (const userId of lookup.unknown) {
      round.unwritable.set(userId, { userId, reason: 'unknown_user: no CXone agent has this userId' });
    }
    const writer = createAdminWriter({
      send: (request) => api(session, { ...request, ctx }),
      base: await apiBase(session, ctx),
      skillId: target.skillId,
      counter,
    });
    await applyDiff(writer, diff, onSkill, lookup.found, round.writes);
    round.wrote = true;
    return round;
  }

  async function converge(
    target: CampaignTarget,
    desired: SkillAssignment[],
    ctx: CallContext,
    scope: MembershipScope = DEFAULT_SCOPE,
    options: ConvergeOptions = {},
  ): Promise<ConvergeResult> {
    const startedAt = now();
    return withSession(runtime, async (session) => {
      const counter: Counter = { reads: 0, writes: 0 };
      const call = { target, desired, ctx, scope };
      const read = async (): Promise<Picture> => {
        const listed = await readSkill(session, target, ctx, counter);
        return {
          members: listed.members.map(toMember),
          hiddenAgents: listed.hiddenAgents,
          agentIds: new Map(listed.members.map((member) => [member.userId, member.agentId])),
          fromRead: true,
        };
      };
      let optimistic: Round | undefined;
      if (options.trusted) {
        const picture = { members: options.trusted.members.map((m) => ({ ...m })), hiddenAgents: 0 };
        optimistic = await writeRound(session, call, { ...picture, fromRead: false }, counter);
      }
      const stale = optimistic !== undefined && [...optimistic.writes.values()].some(contradictsPicture);
      // No trusted picture, an agentId the directory does not know, or an answer showing the picture stale: read.
      // Agents the optimistic round took off the skill are not tried again (a read cannot list them).
      const off = new Set(
        [...(optimistic?.writes ?? [])]
          .filter(
            ([, write]) => write.method === 'DELETE' && write.outcome !== 'unknown' && !isRefusal(write),
          )
          .map(([userId]) => userId),
      );
      const again = { ...call, scope: { ...scope, managed: scope.managed.filter((u) => !off.has(u)) } };
      const last =
        optimistic && !stale ? optimistic : await writeRound(session, again, await read(), counter);
      if (!last) throw new Error('a round planned from a read always has the agentIds it needs');
      let after = last.members;
      let hiddenAgents = last.hiddenAgents;
      let confirmedBy: ConfirmedBy = last.fromRead ? 'read' : 'trusted_picture';
      if (last.wrote && writesConfirm(last.writes, last.unwritable, scope, last.hiddenAgents)) {
        after = applyWrites(last.members, desired, last.writes);
        confirmedBy = 'write_results';
      } else if (last.wrote) {
        const verifying = await read();
        after = verifying.members;
        hiddenAgents = verifying.hiddenAgents;
        confirmedBy = 'read';
      }
      const facts = optimistic && optimistic !== last ? mergeRounds(optimistic, last) : last;
      return {
        ...counter,
        ...settle({
          desired,
          scope,
          before: facts.members,
          diff: facts.diff,
          after,
          hiddenAgents,
          writes: facts.writes,
          unwritable: last.unwritable,
        }),
        confirmedBy,
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

/** What a round of writes is planned from: a read (with agentIds) or a trusted picture (without). */
interface Picture {
  members: SkillMember[];
  hiddenAgents: number;
  agentIds?: ReadonlyMap<string, number>;
  fromRead: boolean;
}

interface Round extends Picture {
  diff: MembershipDiff;
  writes: Map<string, AgentWrite>;
  unwritable: Map<string, FailedAgent>;
  wrote: boolean;
}

/**
 * One account of an optimistic round whose answers showed the picture stale and the read → diff → write round that
 * followed: the state before is the read's, except for agents the optimistic round wrote (the picture's, as far as it
 * knew them); the later round's diff and answer win for an agent both rounds wrote.
 */
function mergeRounds(first: Round, second: Round): Pick<Round, 'members' | 'diff' | 'writes'> {
  const writtenFirst = new Set(first.writes.keys());
  const picture = new Map(first.members.map((member) => [member.userId, member]));
  const members = [
    ...second.members.filter((member) => !writtenFirst.has(member.userId)),
    ...[...writtenFirst].flatMap((userId) => {
      const member = picture.get(userId);
      return member ? [{ ...member }] : [];
    }),
  ].sort((a, b) => compareUserIds(a.userId, b.userId));
  const later = new Set([
    ...second.diff.add.map((agent) => agent.userId),
    ...second.diff.update.map((agent) => agent.userId),
    ...second.diff.remove,
    ...second.diff.unlisted,
  ]);
  const keep = (userId: string) => !later.has(userId) && writtenFirst.has(userId);
  const diff: MembershipDiff = {
    add: [...first.diff.add.filter((agent) => keep(agent.userId)), ...second.diff.add],
    update: [...first.diff.update.filter((agent) => keep(agent.userId)), ...second.diff.update],
    remove: [...first.diff.remove.filter(keep), ...second.diff.remove],
    unlisted: [...first.diff.unlisted.filter(keep), ...second.diff.unlisted],
    foreign: second.diff.foreign,
  };
  return { members, diff, writes: new Map([...first.writes, ...second.writes]) };
}

function isRefusal(write: AgentWrite): boolean {
  return typeof write.outcome === 'object';
}

function toMember(member: ListedMember): SkillMember {
  return { userId: member.userId, isActive: member.isActive, proficiency: member.proficiency };
}
