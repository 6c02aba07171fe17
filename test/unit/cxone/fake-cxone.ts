// A small in-memory CXone (discovery, access-key token, Admin API skill agents) for unit tests of the admin
// target, answering as the Admin API does: 204 for an empty list, write results in request order with `agentId`
// only on success, `hiddenAgents`, proficiency 1–20. The integration tests use the real sandbox in
// infra/local/cxone-sandbox.
import type { SkillAssignment } from '../../../lib/domain/types.ts';
import { type Handler, json, type RecordedRequest } from './fakes.ts';

export const ISSUER = 'https://cxone.example';
export const API = 'https://api-na1.cxone.example';
export const TENANT_ID = 'tenant-1';

export const CREDENTIALS = {
  issuer: ISSUER,
  clientId: 'client-id',
  clientSecret: 'client-secret',
  accessKeyId: 'key-id',
  accessKeySecret: 'key-secret',
};

function idToken(claims: object): string {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  return `${encode({ alg: 'none' })}.${encode(claims)}.`;
}

export function agentIdOf(userId: string): number {
  return 1000 + Number(userId.replace(/\D/g, ''));
}

export class FakeCxone {
  /** userIds that exist in the tenant. */
  readonly users: Set<string>;
  /** Largest page served whatever `top` asks (CXone's observed maximum is 100). */
  pageCap = 100;
  readonly skill = new Map<number, { isActive: boolean; proficiency: number }>();
  tokensIssued = 0;
  /** Respond 401 to the next N API calls. */
  unauthorizedApiCalls = 0;
  /** agentIds a write refuses per agent. */
  readonly refusedAgents = new Map<number, string>();
  /** The first n members (by agentId) are left out of skill reads and counted in `hiddenAgents`. */
  hiddenAgents = 0;
  /** false: skill reads leave out inactive members (whether CXone lists them is unverified). */
  listInactive = true;
  /** Every write body's agentIds, in order, with the method (single-agent DELETEs included). */
  readonly written: Array<{ method: string; agentIds: number[] }> = [];
  /** A status every write answers (e.g. 403), instead of applying it. */
  writeStatus: number | undefined;
  /** Accepted password of the access key (rotate it to make the token endpoint refuse). */
  accessKeySecret = CREDENTIALS.accessKeySecret;
  idTokenClaims: object = { tenantId: TENANT_ID };
  readonly skillId = 42;
  /** What `GET /skills/42` answers (NICE's current definition: one flat object). */
  skillDetails: unknown = {
    skillId: 42,
    skillName: 'Outbound PC',
    mediaTypeId: 4,
    isActive: true,
    isOutbound: true,
    outboundStrategy: 'Personal Connection',
    campaignId: 7,
  };

  constructor(initial: SkillAssignment[] = [], userCount = 20) {
    this.users = new Set(Array.from({ length: userCount }, (_, i) => `user-${i + 1}`));
    for (const agent of initial) {
      this.skill.set(agentIdOf(agent.userId), { isActive: agent.isActive, proficiency: agent.proficiency });
    }
  }

  assignments(): SkillAssignment[] {
    return [...this.skill].map(([agentId, m]) => ({ userId: `user-${agentId - 1000}`, ...m }));
  }

  readonly handler: Handler = (request) => this.route(request);

  private route(request: RecordedRequest): Response {
    const { pathname } = request.url;
    const href = `${request.url.origin}${pathname}`;
    if (href === `${ISSUER}/.well-known/openid-configuration`) {
      return json(200, { issuer: ISSUER, token_endpoint: `${ISSUER}/auth/token` });
    }
    if (href === `${ISSUER}/.well-known/cxone-configuration`) {
      return request.url.searchParams.get('tenantId') === TENANT_ID
        ? json(200, { api_endpoint: API, area: 'na1' })
        : json(404, { error: 'not_found' });
    }
    if (href === `${ISSUER}/auth/token`) return this.token(request);
    if (!href.startsWith(`${API}/inContactAPI/services/v30.0/`)) return json(404, { error: 'not_found' });
    if (
      request.headers.get('authorization') !== `Bearer token-${this.tokensIssued}` ||
      this.unauthorizedApiCalls > 0
    ) {
      this.unauthorizedApiCalls = Math.max(0, this.unauthorizedApiCalls - 1);
      return json(401, { error: 'invalid_token' });
    }
    const sub = pathname.replace('/inContactAPI/services/v30.0', '');
    if (sub === '/agents' && request.method === 'GET') return this.listAgents(request.url);
    if (sub === `/skills/${this.skillId}/agents`) return this.skillAgents(request);
    const single = new RegExp(`^/skills/${this.skillId}/agents/(\\d+)$`).exec(sub);
    if (single?.[1] && request.method === 'DELETE') return this.removeOne(Number(single[1]));
    if (sub === `/skills/${this.skillId}` && request.method === 'GET') return json(200, this.skillDetails);
    return json(404, { error: 'not_found', error_description: `no route ${sub}` });
  }

  private token(request: RecordedRequest): Response {
    const form = new URLSearchParams(request.body);
    const basic = `Basic ${Buffer.from(`${CREDENTIALS.clientId}:${CREDENTIALS.clientSecret}`).toString('base64')}`;
    const posted =
      form.get('client_id') === CREDENTIALS.clientId &&
      form.get('client_secret') === CREDENTIALS.clientSecret;
    const header = request.headers.get('authorization');
    if (header ? header !== basic || form.has('client_id') : !posted) {
      return json(401, { error: 'invalid_client', errorDescription: 'Client authentication failed' });
    }
    if (
      form.get('grant_type') !== 'password' ||
      form.get('username') !== CREDENTIALS.accessKeyId ||
      form.get('password') !== this.accessKeySecret
    ) {
      return json(400, { error: 'invalid_grant', error_description: 'Invalid access key' });
    }
    this.tokensIssued++;
    return json(200, {
      access_token: `token-${this.tokensIssued}`,
      token_type: 'Bearer',
      expires_in: 3600,
      id_token: idToken(this.idTokenClaims),
    });
  }

  private page<T>(items: T[], url: URL): T[] {
    const skip = Number(url.searchParams.get('skip') ?? 0);
    const top = Math.min(Number(url.searchParams.get('top') ?? 50), this.pageCap);
    return items.slice(skip, skip + top);
  }

  private listAgents(url: URL): Response {
    const agents = [...this.users].map((userId) => ({ agentId: agentIdOf(userId), userID: userId }));
    const page = this.page(agents, url);
    if (page.length === 0) return new Response(null, { status: 204 });
    return json(200, { totalRecords: agents.length, agents: page });
  }

  private skillAgents(request: RecordedRequest): Response {
    if (request.method === 'GET') {
      const members = [...this.skill].sort(([a], [b]) => a - b);
      const hidden = Math.min(this.hiddenAgents, members.length);
      const visible = members.slice(hidden).filter(([, m]) => this.listInactive || m.isActive);
      const page = this.page(visible, request.url);
      if (page.length === 0 && hidden === 0) return new Response(null, { status: 204 });
      return json(200, {
        totalRecords: visible.length,
        hiddenAgents: hidden,
        agentSkillAssignments: page.map(([agentId, m]) => ({
          agentId,
          userId: `user-${agentId - 1000}`,
          skillId: this.skillId,
          agentProficiencyValue: m.proficiency,
          isActive: m.isActive,
        })),
      });
    }
    if (this.writeStatus !== undefined) {
      const description = this.writeStatus === 409 ? 'Invalid Permissions' : 'Role lacks permission';
      return json(this.writeStatus, { error: 'refused', error_description: description });
    }
    const { agents } = JSON.parse(request.body) as {
      agents: Array<{ agentId: number; isActive: boolean; proficiency: number }>;
    };
    this.written.push({ method: request.method, agentIds: agents.map((agent) => agent.agentId) });
    const agentResults = agents.map((agent) => {
      const refusal = this.refusalOf(request.method, agent.agentId);
      if (refusal) return { success: false, error: refusal };
      if (request.method === 'DELETE') this.skill.delete(agent.agentId);
      else this.skill.set(agent.agentId, { isActive: agent.isActive, proficiency: agent.proficiency });
      return { success: true, agentId: agent.agentId };
    });
    const errorCount = agentResults.filter((result) => !result.success).length;
    return json(200, { resultSet: { errorCount, agentResults } });
  }

  private refusalOf(method: string, agentId: number): string | undefined {
    const refusal = this.refusedAgents.get(agentId);
    if (refusal) return refusal;
    if (![...this.users].some((userId) => agentIdOf(userId) === agentId)) {
      return `Invalid agentId - '${agentId}', does not exist`;
    }
    const assigned = this.skill.has(agentId);
    if (method === 'POST' && assigned) return `'${agentId}', agent is already assigned to skill`;
    if (method !== 'POST' && !assigned) return `'${agentId}', agent is not assigned to skill`;
    return undefined;
  }

  private removeOne(agentId: number): Response {
    if (this.writeStatus !== undefined) return json(this.writeStatus, { error: 'refused' });
    this.written.push({ method: 'DELETE', agentIds: [agentId] });
    if (!this.skill.delete(agentId)) {
      return json(404, {
        error: 'not_found',
        error_description: `'${agentId}', agent is not assigned to skill`,
      });
    }
    return new Response(null, { status: 200 });
  }
}
