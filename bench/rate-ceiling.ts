// §7 One rate ceiling for the tenant. The CXone sandbox allows 20 requests/s while the service is configured for a
// 50/s ceiling; 5 dispatcher-like instances (separate CXone clients, each with its own local state) apply the
// assignments of many campaigns, each campaign's in order on one instance, each instance one record at a time (as
// the FIFO batch processor does). Shared: the instances share the ceiling and its AIMD state through the DynamoDB
// adapter on moto. Per instance (before): each has today's local bucket at 10/s (5 × 10 = 50/s). Then one hot
// campaign alone through one instance against a sandbox that allows the whole ceiling, both ways.
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { seedAgents } from '../infra/local/cxone-sandbox/seed.ts';
import {
  SANDBOX_CREDENTIALS,
  SANDBOX_TENANT_ID,
  startCxoneSandbox,
} from '../infra/local/cxone-sandbox/server.ts';
import { LOCAL_REGION, type MotoServer, startMoto } from '../infra/local/moto.ts';
import { DynamoRateBudget } from '../lib/adapters/dynamo-rate-budget.ts';
import {
  convergeWithBalancing,
  createCxoneClient,
  type SharedRateBudget,
  staticCredentials,
} from '../lib/cxone/client.ts';
import type { AgentPlan } from '../lib/domain/types.ts';
import { classifyRequests, type RequestCounts } from './dispatch-goodput.ts';
import { percentile } from './stats.ts';

export interface RateCeilingOptions {
  campaigns: number;
  agentsPerCampaign: number;
  changesPerAssignment: number;
  instances: number;
  /** The service's configured ceiling (requests/s, tenant-wide when shared). */
  ceiling: number;
  /** CXone's real limit in the sandbox, below the ceiling. */
  sandboxLimit: number;
  /** Each many-campaign run takes new assignments for this long, then finishes the ones in flight. */
  durationMs: number;
  /** The hot-campaign runs. */
  hotDurationMs: number;
}

export interface RateRun {
  mode: 'shared' | 'per-instance';
  elapsedMs: number;
  requests: RequestCounts;
  /** Successful rate-limited requests per instance (fairness). */
  okPerInstance: number[];
  assignments: number;
  failedAssignments: number;
  /** Shared only: DynamoDB calls of the budget, by kind, and each call's round trip. */
  budgetCalls: { claim: number; read: number; decrease: number };
  budgetCallMs: number[];
  leases: { claims: number; empty: number; tokens: number };
  /** 429s in the run's second half (after the rate settled). */
  lateRequests: number;
  late429: number;
}

export interface RateCeilingResult {
  options: RateCeilingOptions;
  shared: RateRun;
  perInstance: RateRun;
  hotShared: RateRun;
  hotPerInstance: RateRun;
}

const FIRST_SKILL_ID = 4_900_001;

interface LoggedRequest {
  at: string;
  method: string;
  path: string;
  status: number;
}

async function sandboxJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: ${response.status}`);
  return (await response.json()) as T;
}

function activePlan(userIds: string[]): AgentPlan[] {
  return userIds.map((userId) => ({
    userId,
    active: true,
    reason: 'active',
    overlapMinutes: 480,
    capacityScore: 1,
    proficiency: 1,
  }));
}

/** Counts and times every call the DynamoDB adapter makes. */
class MeasuredBudget implements SharedRateBudget {
  readonly calls = { claim: 0, read: 0, decrease: 0 };
  readonly callMs: number[] = [];
  /** claim() answers (each one or more DynamoDB calls), those that found the slot full, and tokens granted. */
  readonly leases = { claims: 0, empty: 0, tokens: 0 };
  private readonly inner: DynamoRateBudget;

  constructor(client: DynamoDBClient, tableName: string) {
    this.inner = new DynamoRateBudget(client, tableName, {
      onCall: (kind) => {
        this.calls[kind]++;
      },
    });
  }

  private async timed<T>(run: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await run();
    } finally {
      this.callMs.push(performance.now() - started);
    }
  }

  async claim(...args: Parameters<SharedRateBudget['claim']>) {
    const grant = await this.timed(() => this.inner.claim(...args));
    this.leases.claims++;
    if (grant.granted === 0) this.leases.empty++;
    this.leases.tokens += grant.granted;
    return grant;
  }
  readAimd(...args: Parameters<SharedRateBudget['readAimd']>) {
    return this.timed(() => this.inner.readAimd(...args));
  }
  decrease(...args: Parameters<SharedRateBudget['decrease']>) {
    return this.timed(() => this.inner.decrease(...args));
  }
}

async function createTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );
}

interface RunSpec {
  mode: RateRun['mode'];
  campaigns: number;
  instances: number;
  sandboxLimit: number;
  durationMs: number;
}

let tables = 0;

async function runOnce(spec: RunSpec, options: RateCeilingOptions, dynamo: DynamoDBClient): Promise<RateRun> {
  const skills = Array.from({ length: spec.campaigns }, (_, i) => ({
    skillId: FIRST_SKILL_ID + i,
    campaignId: `bench-rate-${String(i + 1).padStart(2, '0')}`,
  }));
  const all = seedAgents(spec.campaigns * options.agentsPerCampaign).map((agent) => agent.userId);
  const userIds = skills.map((_, i) =>
    all.slice(i * options.agentsPerCampaign, (i + 1) * options.agentsPerCampaign),
  );
  const sandbox = await startCxoneSandbox({ port: 0, skills, agentCount: all.length });
  const tableName = `bench-rate-${++tables}`;
  await createTable(dynamo, tableName);
  const budget = new MeasuredBudget(dynamo, tableName);
  try {
    await sandboxJson(`${sandbox.url}/sandbox/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rateLimitPerSecond: spec.sandboxLimit }),
    });
    const credentials = staticCredentials({
      ...SANDBOX_CREDENTIALS,
      issuer: sandbox.url,
      tenantId: SANDBOX_TENANT_ID,
    });
    const clients = Array.from({ length: spec.instances }, () =>
      createCxoneClient({
        target: 'admin',
        credentials,
        ...(spec.mode === 'shared'
          ? {
              rateLimitPerSecond: options.ceiling,
              sharedBudget: { budget, instances: options.instances },
            }
          : { rateLimitPerSecond: options.ceiling / options.instances }),
      }),
    );
    // Campaign c is one FIFO group, on instance c mod instances; an instance takes its campaigns' next
    // assignments in turn, one at a time; an assignment adds `changesPerAssignment` agents, then the set shrinks
    // back, so the workload never runs dry.
    const steps = Math.ceil(options.agentsPerCampaign / options.changesPerAssignment);
    const desired = (campaign: number, n: number) => {
      const cycle = n % (2 * steps);
      const count = (cycle < steps ? cycle + 1 : 2 * steps - cycle) * options.changesPerAssignment;
      return userIds[campaign]!.slice(0, Math.min(options.agentsPerCampaign, count));
    };
    let assignments = 0;
    let failed = 0;
    const started = performance.now();
    const stopAt = started + spec.durationMs;
    await Promise.all(
      clients.map(async (client, instance) => {
        const mine = skills.map((_, c) => c).filter((c) => c % spec.instances === instance);
        const next = mine.map(() => 0);
        for (let turn = 0; performance.now() < stopAt && mine.length > 0; turn++) {
          const k = turn % mine.length;
          const campaign = mine[k]!;
          const n = next[k]!;
          next[k] = n + 1;
          assignments++;
          const ok = await convergeWithBalancing(
            client,
            skills[campaign]!,
            activePlan(desired(campaign, n)),
            {
              correlationId: `bench-rate-${campaign + 1}-${n + 1}`,
              deadline: Date.now() + 55_000,
            },
          )
            .then((result) => result.verified)
            .catch(() => false);
          if (!ok) failed++;
        }
      }),
    );
    const elapsedMs = performance.now() - started;
    const log = await sandboxJson<LoggedRequest[]>(`${sandbox.url}/sandbox/requests`);
    const half = Date.now() - elapsedMs / 2;
    const late = classifyRequests(log.filter((entry) => Date.parse(entry.at) >= half));
    return {
      mode: spec.mode,
      elapsedMs,
      requests: classifyRequests(log),
      okPerInstance: okPerInstance(log, spec.instances),
      assignments,
      failedAssignments: failed,
      budgetCalls: { ...budget.calls },
      budgetCallMs: [...budget.callMs],
      leases: { ...budget.leases },
      lateRequests: late.limited,
      late429: late.status429,
    };
  } finally {
    await sandbox.close();
  }
}

/** The sandbox logs no instance: the correlation id names the campaign, whose instance is campaign mod instances. */
function okPerInstance(log: readonly LoggedRequest[], instances: number): number[] {
  const counts = Array.from({ length: instances }, () => 0);
  for (const entry of log as readonly (LoggedRequest & { correlationId?: string | null })[]) {
    const match = /^bench-rate-(\d+)-/.exec(entry.correlationId ?? '');
    if (!match || entry.status < 200 || entry.status >= 300) continue;
    const instance = (Number(match[1]) - 1) % instances;
    counts[instance] = (counts[instance] ?? 0) + 1;
  }
  return counts;
}

export async function runRateCeilingBench(
  options: RateCeilingOptions,
  log: (line: string) => void,
): Promise<RateCeilingResult> {
  let moto: MotoServer | undefined;
  let dynamo: DynamoDBClient | undefined;
  try {
    moto = await startMoto();
    dynamo = new DynamoDBClient({
      endpoint: moto.url,
      region: LOCAL_REGION,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const many = { campaigns: options.campaigns, instances: options.instances };
    const limited = { sandboxLimit: options.sandboxLimit, durationMs: options.durationMs };
    log(
      `rate ceiling: ${options.instances} instances sharing ${options.ceiling}/s, CXone at ${options.sandboxLimit}/s`,
    );
    const shared = await runOnce({ mode: 'shared', ...many, ...limited }, options, dynamo);
    log(
      `rate ceiling: ${options.instances} instances at ${options.ceiling / options.instances}/s each (before)`,
    );
    const perInstance = await runOnce({ mode: 'per-instance', ...many, ...limited }, options, dynamo);
    const hot = {
      campaigns: 1,
      instances: 1,
      sandboxLimit: options.ceiling,
      durationMs: options.hotDurationMs,
    };
    log('rate ceiling: one hot campaign through one instance, shared ceiling');
    const hotShared = await runOnce({ mode: 'shared', ...hot }, options, dynamo);
    log('rate ceiling: one hot campaign through one instance, per-instance limit (before)');
    const hotPerInstance = await runOnce({ mode: 'per-instance', ...hot }, options, dynamo);
    return { options, shared, perInstance, hotShared, hotPerInstance };
  } finally {
    dynamo?.destroy();
    await moto?.close();
  }
}

export const p50 = (values: number[]) => percentile(values, 50);
export const p99 = (values: number[]) => percentile(values, 99);
