// The drift check of one campaign: read its CXone skill, compare it with the plan for now, and (when acting) tell WFM
// and queue a `repair` converge. The same check answers GET /campaigns/{campaignId}/drift, acting on nothing.
import { randomUUID } from 'node:crypto';
import { type DriftDifference, skillDrift } from '../domain/drift.ts';
import { onDriftOf } from '../domain/drift-policy.ts';
import { membershipOf } from '../domain/membership.ts';
import { planActiveAgents, toSkillAssignments } from '../domain/planner.ts';
import type { CampaignPolicy } from '../domain/schemas.ts';
import { buildDriftDetectedEvent } from '../wfm/cloudevents.ts';
import type { DriftAction, DriftReport } from './drift-model.ts';
import type { AssignmentRecord, CampaignState } from './model.ts';
import type {
  AssignmentStore,
  Clock,
  DispatchQueue,
  PolicySource,
  SkillReader,
  WfmEventQueue,
} from './ports.ts';
import { isFinalStatus } from './vocabulary.ts';

export { type DriftDifference, DriftDifferenceSchema } from '../domain/drift.ts';
export { type DriftAction, DriftActionSchema, type DriftReport, DriftReportSchema } from './drift-model.ts';

export type DriftCheckOutcome =
  | { kind: 'unknown_campaign' }
  | { kind: 'no_desired_state' }
  | { kind: 'checked'; report: DriftReport; action: DriftAction; assignmentId?: string };

/** An audit line per acting check that found drift. */
export interface DriftObserver {
  audit(entry: { action: string; campaignId: string; [detail: string]: unknown }): void;
}

export interface DriftDeps {
  policies: Pick<PolicySource, 'policyFor'>;
  store: AssignmentStore;
  skills: SkillReader;
  wfm: WfmEventQueue;
  queue: DispatchQueue;
  clock: Clock;
  newId?: () => string;
  observer?: DriftObserver;
}

/** How long the CXone read may take when the caller sets no deadline. */
export const DEFAULT_DRIFT_READ_MS = 20_000;

/** What reading a campaign's drift needs: no queue, no event, no write. */
export type DriftReadDeps = Pick<DriftDeps, 'policies' | 'skills' | 'clock' | 'newId'> & {
  store: Pick<AssignmentStore, 'getCampaignState'>;
};

export type DriftQueryOutcome =
  | { kind: 'unknown_campaign' }
  | { kind: 'no_desired_state' }
  | { kind: 'checked'; report: DriftReport };

/**
 * The live comparison of GET /campaigns/{campaignId}/drift: reads the campaign's skill now and compares it with the
 * plan for now (see skillDrift). Writes and sends nothing. CXone errors come as RetryLaterError /
 * PermanentRefusalError.
 */
export async function queryCampaignDrift(
  deps: DriftReadDeps,
  campaignId: string,
  options: { deadline?: number } = {},
): Promise<DriftQueryOutcome> {
  const compared = await compare(deps, campaignId, options.deadline);
  return compared.kind === 'compared' ? { kind: 'checked', report: compared.report } : compared;
}

type Compared =
  | { kind: 'unknown_campaign' }
  | { kind: 'no_desired_state' }
  | {
      kind: 'compared';
      report: DriftReport;
      policy: CampaignPolicy;
      state: CampaignState;
      checkId: string;
      now: Date;
    };

async function compare(
  deps: DriftReadDeps,
  campaignId: string,
  deadline: number | undefined,
): Promise<Compared> {
  const policy = await deps.policies.policyFor(campaignId);
  if (!policy) return { kind: 'unknown_campaign' };
  const state = await deps.store.getCampaignState(campaignId);
  if (!state) return { kind: 'no_desired_state' };
  const now = deps.clock.now();
  const checkId = (deps.newId ?? randomUUID)();
  const read = await deps.skills.readSkill(
    { campaignId, skillId: policy.cxoneSkillId },
    { correlationId: checkId, deadline: deadline ?? now.getTime() + DEFAULT_DRIFT_READ_MS },
  );
  const differences = skillDrift({
    planned: toSkillAssignments(planActiveAgents(policy, state.desired, now)),
    members: read.members,
    hiddenAgents: read.hiddenAgents,
    scope: { mode: membershipOf(policy), managed: state.managedAgents ?? [] },
    lastApplied: state.lastApplied?.assignments ?? [],
  });
  const report: DriftReport = {
    campaignId,
    checkedAt: now.toISOString(),
    inSync: differences.length === 0,
    differences,
    hiddenAgents: read.hiddenAgents,
  };
  return { kind: 'compared', report, policy, state, checkId, now };
}

/**
 * The scheduled drift check: the comparison of queryCampaignDrift and, with `act: true` and a difference, the
 * follow-up. A `repair` assignment is queued when the policy's `onDrift` is `repair` and the campaign's latest
 * assignment is final (`repair_pending` otherwise: that one converges anyway), then `campaign.drift_detected` is
 * sent and audited. An acting check records its outcome on the campaign state (clean: in sync, nothing hidden). With
 * `act: false` nothing is written or sent.
 */
export async function checkCampaignDrift(
  deps: DriftDeps,
  campaignId: string,
  options: { act: boolean; deadline?: number },
): Promise<DriftCheckOutcome> {
  const compared = await compare(deps, campaignId, options.deadline);
  if (compared.kind !== 'compared') return compared;
  const { report, policy, state, checkId, now } = compared;
  const { differences, hiddenAgents } = report;
  if (!options.act) return { kind: 'checked', report, action: 'none' };
  // What lets a dispatch trust the last applied state instead of reading first: a clean check, not too old.
  await deps.store.recordDriftCheck(campaignId, {
    checkedAt: report.checkedAt,
    skillId: policy.cxoneSkillId,
    inSync: report.inSync && hiddenAgents === 0,
  });
  if (report.inSync) return { kind: 'checked', report, action: 'none' };

  const action =
    onDriftOf(policy) === 'repair' ? await queueRepair(deps, state, differences, checkId, now) : 'reported';
  const assignmentId = action === 'repair_queued' ? checkId : undefined;
  await deps.wfm.sendAll([
    buildDriftDetectedEvent({
      campaignId,
      differences,
      hiddenAgents,
      checkedAt: now,
      ...(assignmentId ? { assignmentId } : {}),
    }),
  ]);
  deps.observer?.audit({
    action: 'campaign.drift_detected',
    campaignId,
    outcome: action,
    differences: differences.length,
    hiddenAgents,
    ...(assignmentId ? { assignmentId } : {}),
  });
  return { kind: 'checked', report, action, ...(assignmentId ? { assignmentId } : {}) };
}

/**
 * A `repair` that replaces the latest assignment while that one is final and still the latest. Differences only about
 * agents the latest assignment could not make as planned (CXone refused them, or load balancing dropped them) are
 * reported without a repair: it would meet the same answer at every check.
 */
async function queueRepair(
  deps: DriftDeps,
  state: CampaignState,
  differences: readonly DriftDifference[],
  assignmentId: string,
  now: Date,
): Promise<DriftAction> {
  const latest = await deps.store.getAssignment(state.latestAssignmentId);
  if (latest && !isFinalStatus(latest.status)) return 'repair_pending';
  const settled = new Set([
    ...(latest?.result?.failedAgents ?? []).map((failed) => failed.userId),
    ...(latest?.result?.dropped ?? []),
  ]);
  if (differences.every((difference) => settled.has(difference.userId))) return 'reported';
  const at = now.toISOString();
  const record: AssignmentRecord = {
    assignmentId,
    campaignId: state.campaignId,
    kind: 'repair',
    status: 'queued',
    submittedAt: at,
    updatedAt: at,
    agentsRequested: state.desired.agents.length,
    desired: state.desired,
  };
  // Another assignment stored meanwhile is the latest now and converges the skill itself.
  if (!(await deps.store.createRebalance(record, state.latestAssignmentId))) return 'repair_pending';
  await deps.queue.send({ assignmentId, campaignId: state.campaignId, kind: 'repair', enqueuedAt: at });
  await deps.store.markEnqueued(assignmentId, at);
  return 'repair_queued';
}
