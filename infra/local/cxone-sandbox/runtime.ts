import type { IncomingHttpHeaders } from 'node:http';
import { AgentDirectory } from './agent-directory.ts';
import {
  type FaultKind,
  type FaultsUpdate,
  mergeFaults,
  NO_FAULTS,
  type SandboxFaults,
  TokenBucket,
} from './faults.ts';
import type { RouteResult } from './http.ts';
import { chance, type Random, seededRandom } from './random.ts';
import { SANDBOX_TENANT_ID, type SandboxCredentials, type SkillProfile, seedAgents } from './seed.ts';
import { SkillState } from './skill-state.ts';
import { DEFAULT_TOKEN_TTL_SECONDS, TokenStore } from './tokens.ts';

export interface SandboxRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RequestLogEntry {
  at: string;
  method: string;
  path: string;
  /** The query string without `?`, '' when none. */
  query: string;
  /** 0 when the request was never answered (rateTimeout) and the client went away. */
  status: number;
  correlationId: string | null;
  fault: FaultKind | null;
}

/** A fault decided on arrival: answer `result` instead of routing, or never answer. */
export type InjectedFault = { kind: 'timeout' } | { kind: FaultKind; result: RouteResult };

const SERVER_ERROR_STATUSES = [500, 502, 503, 504] as const;

/** Everything the routes share: seed data, skill state, tokens, faults, PRNG and the request log. */
export class SandboxRuntime {
  baseUrl = '';
  readonly tenantId = SANDBOX_TENANT_ID;
  directory: AgentDirectory;
  readonly state: SkillState;
  /** The only client and access key the token endpoints accept. */
  readonly credentials: Readonly<SandboxCredentials>;
  readonly tokens: TokenStore;
  readonly capacityLimit: number | undefined;
  /** Skills the seeded access key's role may not touch: their agent routes answer 403. */
  readonly forbiddenSkillIds: ReadonlySet<number>;
  readonly now: () => number;
  readonly requests: RequestLogEntry[] = [];
  faults: SandboxFaults = { ...NO_FAULTS };
  random: Random;
  private readonly seed: number;
  private readonly initialAgentCount: number;
  private bucket: TokenBucket | undefined;

  constructor(options: {
    skills: readonly SkillProfile[];
    agentCount: number;
    credentials: Readonly<SandboxCredentials>;
    capacityLimit: number | undefined;
    forbiddenSkillIds?: readonly number[];
    seed: number;
    now: () => number;
  }) {
    this.initialAgentCount = options.agentCount;
    this.directory = new AgentDirectory(seedAgents(options.agentCount));
    this.state = new SkillState(options.skills);
    this.credentials = options.credentials;
    this.capacityLimit = options.capacityLimit;
    this.forbiddenSkillIds = new Set(options.forbiddenSkillIds ?? []);
    this.now = options.now;
    this.tokens = new TokenStore(options.now);
    this.seed = options.seed;
    this.random = seededRandom(options.seed);
  }

  nowIso(): string {
    return new Date(this.now()).toISOString();
  }

  tokenTtlSeconds(): number {
    return this.faults.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
  }

  updateFaults(update: FaultsUpdate): void {
    const previousLimit = this.faults.rateLimitPerSecond;
    this.faults = mergeFaults(this.faults, update);
    if (update.revokeTokensNow) this.tokens.revokeAll();
    if (update.seed !== undefined) this.random = seededRandom(update.seed);
    if (this.faults.rateLimitPerSecond !== previousLimit) this.rebuildBucket();
  }

  resetFaults(): void {
    this.faults = { ...NO_FAULTS };
    this.random = seededRandom(this.seed);
    this.rebuildBucket();
  }

  /** A directory of `count` seeded agents; assignments of agents no longer in it are dropped. */
  reseedAgents(count: number): void {
    this.directory = new AgentDirectory(seedAgents(count));
    this.state.retainAgents((agentId) => this.directory.byId(agentId) !== undefined);
  }

  /** Assignments, agent directory, request log and faults back to the start; issued tokens stay valid. */
  reset(): void {
    if (this.directory.all.length !== this.initialAgentCount) this.reseedAgents(this.initialAgentCount);
    this.state.reset();
    this.requests.length = 0;
    this.resetFaults();
  }

  /** Decides, on arrival, whether an API or token call is answered by a fault instead of its route. */
  drawFault(): InjectedFault | undefined {
    const { faults } = this;
    if (this.bucket && !this.bucket.tryTake()) {
      return { kind: 'rate_limit', result: this.tooManyRequests('Rate limit exceeded') };
    }
    if (chance(this.random, faults.rate429)) {
      return { kind: 'rate429', result: this.tooManyRequests('Too many requests (injected)') };
    }
    if (chance(this.random, faults.rate5xx)) {
      const index = Math.floor(this.random() * SERVER_ERROR_STATUSES.length);
      const status = SERVER_ERROR_STATUSES[index] ?? 503;
      return {
        kind: 'rate5xx',
        result: {
          status,
          error: { code: 'server_error', description: `Injected ${status}` },
          headers: status === 503 ? this.retryAfterHeader() : {},
        },
      };
    }
    if (chance(this.random, faults.rateTimeout)) return { kind: 'timeout' };
    return undefined;
  }

  private tooManyRequests(description: string): RouteResult {
    return {
      status: 429,
      error: { code: 'too_many_requests', description },
      headers: this.retryAfterHeader(),
    };
  }

  private retryAfterHeader(): Record<string, string> {
    const seconds = this.faults.retryAfterSeconds;
    return seconds === null ? {} : { 'Retry-After': String(seconds) };
  }

  private rebuildBucket(): void {
    const perSecond = this.faults.rateLimitPerSecond;
    this.bucket = perSecond === null ? undefined : new TokenBucket(perSecond, this.now);
  }
}
