// §3 Dispatch goodput against a CXone that allows 50 requests/s: the real client as the dispatcher drives it (the
// previous assignment's applied state as the trusted picture after a clean drift check: optimistic write, verifying
// read only on doubt; client-side limiter, jittered backoff honouring Retry-After) beside the original sketch's
// behaviour (naive-client.ts), same workload, same concurrency, each on a fresh sandbox with the same faults and seed.

import { seedAgents } from '../infra/local/cxone-sandbox/seed.ts';
import {
  SANDBOX_CREDENTIALS,
  SANDBOX_TENANT_ID,
  startCxoneSandbox,
} from '../infra/local/cxone-sandbox/server.ts';
import { convergeWithBalancing, createCxoneClient, staticCredentials } from '../lib/cxone/client.ts';
import type { ConfirmedBy, TrustedPicture } from '../lib/cxone/types.ts';
import type { AgentPlan, SkillMember } from '../lib/domain/types.ts';
import { createNaiveClient, type NaiveAgent } from './naive-client.ts';

export interface GoodputOptions {
  campaigns: number;
  agentsPerCampaign: number;
  /** Agents added by each assignment; a campaign gets agentsPerCampaign / changesPerAssignment assignments. */
  changesPerAssignment: number;
  rateLimitPerSecond: number;
}

export interface RequestCounts {
  /** Every logged CXone request except discovery (which the sandbox never rate-limits). */
  limited: number;
  ok: number;
  status429: number;
  other: number;
  discovery: number;
  token: number;
  skillReads: number;
  directoryReads: number;
  writes: number;
  writesOk: number;
}

export interface ClientRun {
  client: 'real' | 'naive';
  assignments: number;
  failedAssignments: number;
  elapsedMs: number;
  /** Agents of the final CXone state that match the last desired state (each one is one change that landed). */
  changesApplied: number;
  changesWanted: number;
  requests: RequestCounts;
  /** A resubmission of an already converged campaign, as the dispatcher makes it (with the trusted picture). */
  resubmission: RequestCounts;
  /** The same resubmission without a trusted picture (no clean drift check recent enough). */
  resubmissionUntrusted: RequestCounts;
  /** Skills whose final CXone state is not exactly the campaign's last desired state, with what differs. */
  wrongSkills: string[];
  /** How each assignment's result was confirmed (the real client only). */
  confirmedBy: Partial<Record<ConfirmedBy, number>>;
  /** Assignments that read the skill although they had a trusted picture (the real client only). */
  fellBack: number;
  /**
   * Rate-limited requests carrying the CorrelationId of an assignment after its campaign's first, and how many such
   * assignments there were: the steady state, past the run's start (the real client only: the naive one sends none).
   */
  steady: { requests: number; assignments: number };
}

export interface GoodputResult {
  options: GoodputOptions;
  real: ClientRun;
  naive: ClientRun;
}

interface LoggedRequest {
  method: string;
  path: string;
  status: number;
  correlationId?: string | null;
}

interface Workload {
  skills: { skillId: number; campaignId: string }[];
  /** Per campaign, the userIds in the order they are added. */
  userIds: string[][];
  assignmentsPerCampaign: number;
}

const FIRST_SKILL_ID = 4_800_001;

function workload(options: GoodputOptions): Workload {
  const all = seedAgents(options.campaigns * options.agentsPerCampaign).map((agent) => agent.userId);
  const skills = Array.from({ length: options.campaigns }, (_, i) => ({
    skillId: FIRST_SKILL_ID + i,
    campaignId: `bench-goodput-${String(i + 1).padStart(2, '0')}`,
  }));
  return {
    skills,
    userIds: skills.map((_, i) =>
      all.slice(i * options.agentsPerCampaign, (i + 1) * options.agentsPerCampaign),
    ),
    assignmentsPerCampaign: Math.ceil(options.agentsPerCampaign / options.changesPerAssignment),
  };
}

/** Desired agents of assignment `index` (0-based) of a campaign: the first (index + 1) × k of its agents. */
function desiredUserIds(userIds: string[], index: number, changesPerAssignment: number): string[] {
  return userIds.slice(0, Math.min(userIds.length, (index + 1) * changesPerAssignment));
}

export function classifyRequests(log: readonly LoggedRequest[]): RequestCounts {
  const counts: RequestCounts = {
    limited: 0,
    ok: 0,
    status429: 0,
    other: 0,
    discovery: 0,
    token: 0,
    skillReads: 0,
    directoryReads: 0,
    writes: 0,
    writesOk: 0,
  };
  for (const entry of log) {
    if (entry.path.startsWith('/.well-known/')) {
      counts.discovery++;
      continue;
    }
    counts.limited++;
    const ok = entry.status >= 200 && entry.status < 300;
    if (ok) counts.ok++;
    else if (entry.status === 429) counts.status429++;
    else counts.other++;
    if (entry.path === '/auth/token' || entry.path === '/oauth2/token') counts.token++;
    else if (entry.method === 'GET' && /\/skills\/\d+\/agents$/.test(entry.path)) counts.skillReads++;
    else if (entry.method === 'GET' && /\/agents$/.test(entry.path) && !entry.path.includes('/campaigns/'))
      counts.directoryReads++;
    else if (entry.method !== 'GET') {
      counts.writes++;
      if (ok) counts.writesOk++;
    }
  }
  return counts;
}

async function sandboxJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: ${response.status}`);
  return (await response.json()) as T;
}

async function startFaultySandbox(work: Workload, options: GoodputOptions) {
  const sandbox = await startCxoneSandbox({
    port: 0,
    skills: work.skills,
    agentCount: work.userIds.flat().length,
  });
  await sandboxJson(`${sandbox.url}/sandbox/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ rateLimitPerSecond: options.rateLimitPerSecond }),
  });
  return sandbox;
}

/**
 * How many agents of each skill are exactly as the last assignment wants them (active, proficiency 1), and the skills
 * whose state is not exactly that set (an agent missing or not as desired, or a member nobody asked for).
 */
async function finalState(
  sandboxUrl: string,
  work: Workload,
): Promise<{ applied: number; wrongSkills: string[] }> {
  const state = await sandboxJson<{
    skills: Record<string, { userId: string; isActive: boolean; proficiency: number }[]>;
  }>(`${sandboxUrl}/sandbox/state`);
  let applied = 0;
  const wrongSkills: string[] = [];
  work.skills.forEach((skill, i) => {
    const wanted = new Set(work.userIds[i]);
    const members = state.skills[String(skill.skillId)] ?? [];
    const right = members.filter((m) => wanted.has(m.userId) && m.isActive && m.proficiency === 1);
    applied += right.length;
    if (right.length !== wanted.size || members.length !== wanted.size) {
      wrongSkills.push(
        `${skill.skillId}: ${right.length}/${wanted.size} as desired, ${members.length} members`,
      );
    }
  });
  return { applied, wrongSkills };
}

const requestLog = (url: string) => sandboxJson<LoggedRequest[]>(`${url}/sandbox/requests`);

/** Applies one desired state; `trusted: false` withholds the trusted picture (the real client only). */
type Apply = (
  campaign: number,
  userIds: string[],
  correlationId: string,
  options?: { trusted?: boolean },
) => Promise<boolean>;

interface Connected {
  apply: Apply;
  confirmedBy: Partial<Record<ConfirmedBy, number>>;
  fellBack: () => number;
}

/**
 * Runs every assignment through the client that `connect` builds for a fresh sandbox: one sequential worker per
 * campaign (a FIFO message group), all campaigns at once (several dispatcher invocations), then the resubmission of
 * campaign 1's last desired state.
 */
async function runClient(
  client: ClientRun['client'],
  work: Workload,
  options: GoodputOptions,
  connect: (sandboxUrl: string) => Connected,
): Promise<ClientRun> {
  const sandbox = await startFaultySandbox(work, options);
  try {
    const connected = connect(sandbox.url);
    const { apply } = connected;
    let failed = 0;
    const started = performance.now();
    await Promise.all(
      work.skills.map(async (_, campaign) => {
        for (let index = 0; index < work.assignmentsPerCampaign; index++) {
          const userIds = desiredUserIds(work.userIds[campaign]!, index, options.changesPerAssignment);
          const ok = await apply(campaign, userIds, `bench-${campaign + 1}-${index + 1}`).catch(() => false);
          if (!ok) failed++;
        }
      }),
    );
    const elapsedMs = performance.now() - started;
    const log = await requestLog(sandbox.url);
    const { applied, wrongSkills } = await finalState(sandbox.url, work);
    const confirmedBy = { ...connected.confirmedBy };
    const fellBack = connected.fellBack();
    await apply(0, work.userIds[0]!, 'bench-resubmission').catch(() => false);
    const after = await requestLog(sandbox.url);
    await apply(0, work.userIds[0]!, 'bench-resubmission-untrusted', { trusted: false }).catch(() => false);
    const untrusted = await requestLog(sandbox.url);
    return {
      client,
      assignments: work.skills.length * work.assignmentsPerCampaign,
      failedAssignments: failed,
      elapsedMs,
      changesApplied: applied,
      changesWanted: work.userIds.flat().length,
      requests: classifyRequests(log),
      resubmission: classifyRequests(after.slice(log.length)),
      resubmissionUntrusted: classifyRequests(untrusted.slice(after.length)),
      wrongSkills,
      confirmedBy,
      fellBack,
      steady: {
        requests: log.filter((entry) => Number(/^bench-\d+-(\d+)$/.exec(entry.correlationId ?? '')?.[1]) >= 2)
          .length,
        assignments: work.skills.length * (work.assignmentsPerCampaign - 1),
      },
    };
  } finally {
    await sandbox.close();
  }
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

function naiveAgent(userId: string): NaiveAgent {
  return {
    userId,
    skills: ['sales', 'preview-qualified'],
    availabilityWindow: { start: '09:00', end: '17:00', timezone: 'America/New_York' },
    maxConcurrentCalls: 1,
  };
}

/**
 * The real client as the dispatcher builds and drives it: one instance shared by every campaign (one limiter per
 * tenant); each assignment gets the previous one's applied state (the converge's `current`) as the trusted picture,
 * as the dispatcher gives it while a clean drift check is recent (here: one at the start, the run being far shorter
 * than the 15-minute default interval). A campaign's first assignment has no applied state yet and reads.
 */
function realClient(options: GoodputOptions, work: Workload): (sandboxUrl: string) => Connected {
  return (sandboxUrl) => {
    const client = createCxoneClient({
      target: 'admin',
      rateLimitPerSecond: options.rateLimitPerSecond,
      credentials: staticCredentials({
        ...SANDBOX_CREDENTIALS,
        issuer: sandboxUrl,
        tenantId: SANDBOX_TENANT_ID,
      }),
    });
    const applied = new Map<number, SkillMember[]>();
    const confirmedBy: Connected['confirmedBy'] = {};
    let fellBack = 0;
    const apply: Apply = async (campaign, userIds, correlationId, applyOptions = {}) => {
      const picture = applyOptions.trusted === false ? undefined : applied.get(campaign);
      const trusted: TrustedPicture | undefined = picture && { members: picture };
      const result = await convergeWithBalancing(
        client,
        work.skills[campaign]!,
        activePlan(userIds),
        { correlationId, deadline: Date.now() + 55_000 },
        undefined,
        trusted ? { trusted } : {},
      );
      confirmedBy[result.confirmedBy] = (confirmedBy[result.confirmedBy] ?? 0) + 1;
      if (trusted && result.confirmedBy === 'read') fellBack++;
      // What the dispatcher records as applied, and trusts next time only while nothing is hidden.
      if (result.hiddenAgents === 0) applied.set(campaign, result.current);
      else applied.delete(campaign);
      return result.verified;
    };
    return { apply, confirmedBy, fellBack: () => fellBack };
  };
}

function naiveClient(work: Workload): (sandboxUrl: string) => Connected {
  return (sandboxUrl) => {
    const client = createNaiveClient({
      baseUrl: sandboxUrl,
      clientId: SANDBOX_CREDENTIALS.clientId,
      clientSecret: SANDBOX_CREDENTIALS.clientSecret,
    });
    const apply: Apply = async (campaign, userIds) => {
      const result = await client.putAgents(work.skills[campaign]!.campaignId, userIds.map(naiveAgent));
      return result.status === 200;
    };
    return { apply, confirmedBy: {}, fellBack: () => 0 };
  };
}

export async function runGoodputBench(
  options: GoodputOptions,
  log: (line: string) => void,
): Promise<GoodputResult> {
  const work = workload(options);
  const assignments = work.skills.length * work.assignmentsPerCampaign;
  log(`dispatch goodput: real client, ${assignments} assignments over ${work.skills.length} campaigns`);
  const real = await runClient('real', work, options, realClient(options, work));
  log('dispatch goodput: naive client (the Go sketch), same workload');
  const naive = await runClient('naive', work, options, naiveClient(work));
  // The section stands only if the real client lost nothing and left CXone exactly as last desired.
  if (real.failedAssignments > 0 || real.wrongSkills.length > 0) {
    throw new GoodputCorrectnessError(
      `real client: ${real.failedAssignments} assignments failed; skills not as last desired: ${real.wrongSkills.join('; ') || 'none'}`,
    );
  }
  return { options, real, naive };
}

export class GoodputCorrectnessError extends Error {
  override name = 'GoodputCorrectnessError';
}
