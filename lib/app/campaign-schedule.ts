// When each campaign is next due: the earlier of the next instant its plan for now can change and its next drift
// check. The scheduler takes only the campaigns due from an index by this instant (lib/app/scheduler.ts).
// zod/mini: the scheduler parses these and nothing else, so its init evaluates no classic zod.
import * as z from 'zod/mini';
import { driftCheckMinutesOf } from '../domain/drift-policy.ts';
import { nextPlanChange } from '../domain/next-plan-change.ts';
import type { Agent, CampaignPolicy } from '../domain/schemas.ts';
import type { AssignmentStore, Clock } from './ports.ts';

const MINUTE_MS = 60_000;

/** A campaign's entry in the due index. */
export const CampaignScheduleSchema = z.strictObject({
  campaignId: z.string().check(z.minLength(1)),
  /** The instant the campaign is next due (ISO 8601, UTC). */
  dueAt: z.iso.datetime(),
  /** The minute of the last drift check (or of the first scheduling): the next one is driftCheckMinutes later. */
  lastDriftCheckAt: z.optional(z.iso.datetime()),
});
export type CampaignSchedule = z.infer<typeof CampaignScheduleSchema>;

/** One message per due campaign on the campaigns-due queue. */
export const CampaignDueMessageSchema = z.strictObject({
  campaignId: z.string().check(z.minLength(1)),
  dueAt: z.iso.datetime(),
});
export type CampaignDueMessage = z.infer<typeof CampaignDueMessageSchema>;

/** The due index (a sparse DynamoDB index by due time when deployed). */
export interface ScheduleIndex {
  /** Every campaign whose dueAt is at or before `now`. */
  due(now: Date): Promise<CampaignSchedule[]>;
  get(campaignId: string): Promise<CampaignSchedule | undefined>;
  put(schedule: CampaignSchedule): Promise<void>;
  /** Moves dueAt to `until` only while it is still `expectedDueAt`; returns whether it did. */
  claim(campaignId: string, expectedDueAt: string, until: string): Promise<boolean>;
  /** Makes the campaign due at `at`, keeping its last drift check. */
  markDue(campaignId: string, at: string): Promise<void>;
  /** Takes the campaign out of the index (no policy, or no desired state). */
  remove(campaignId: string): Promise<void>;
}

export interface CampaignDueQueue {
  sendAll(messages: readonly CampaignDueMessage[]): Promise<void>;
}

/** The start of the minute of `at`: the scheduler's ticks are at second 0, so a check recorded there recurs there. */
export function minuteOf(at: Date): Date {
  return new Date(Math.floor(at.getTime() / MINUTE_MS) * MINUTE_MS);
}

/** When the drift check after `lastDriftCheckAt` is due. */
export function nextDriftCheck(policy: CampaignPolicy, lastDriftCheckAt: Date): Date {
  return new Date(minuteOf(lastDriftCheckAt).getTime() + driftCheckMinutesOf(policy) * MINUTE_MS);
}

export function isDriftCheckDue(policy: CampaignPolicy, lastDriftCheckAt: string | undefined, now: Date) {
  return lastDriftCheckAt === undefined || nextDriftCheck(policy, new Date(lastDriftCheckAt)) <= now;
}

/** min(nextPlanChange(policy, desired, now), lastDriftCheckAt + driftCheckMinutes). */
export function nextDueAt(
  policy: CampaignPolicy,
  desired: { agents: readonly Agent[] } | undefined,
  now: Date,
  lastDriftCheckAt: Date,
): Date {
  const plan = nextPlanChange(policy, desired, now);
  const drift = nextDriftCheck(policy, lastDriftCheckAt);
  return new Date(Math.min(plan.getTime(), drift.getTime()));
}

export interface RescheduleDeps {
  index: ScheduleIndex;
  store: Pick<AssignmentStore, 'getCampaignState'>;
  policyFor(campaignId: string): Promise<CampaignPolicy | undefined>;
  clock: Clock;
}

export type RescheduleOutcome =
  | { kind: 'scheduled'; schedule: CampaignSchedule }
  | { kind: 'removed'; reason: 'no_policy' | 'no_desired_state' };

/**
 * Stores the campaign's next due instant after it was handled (by the scheduler or a dispatch). A campaign without
 * a policy or a desired state has nothing to re-plan or check and leaves the index; a submission puts it back.
 * `driftCheckedAt` is the minute of a drift check just made; without it the last one stays (the first scheduling
 * counts as one: the dispatch or re-plan that led here read the skill).
 */
export async function rescheduleCampaign(
  deps: RescheduleDeps,
  campaignId: string,
  driftCheckedAt?: Date,
): Promise<RescheduleOutcome> {
  const policy = await deps.policyFor(campaignId);
  if (!policy) {
    await deps.index.remove(campaignId);
    return { kind: 'removed', reason: 'no_policy' };
  }
  const state = await deps.store.getCampaignState(campaignId);
  if (!state) {
    await deps.index.remove(campaignId);
    return { kind: 'removed', reason: 'no_desired_state' };
  }
  const now = deps.clock.now();
  const previous = driftCheckedAt ? undefined : await deps.index.get(campaignId);
  const lastDriftCheck = minuteOf(
    driftCheckedAt ?? (previous?.lastDriftCheckAt ? new Date(previous.lastDriftCheckAt) : now),
  );
  const schedule: CampaignSchedule = {
    campaignId,
    dueAt: nextDueAt(policy, state.desired, now, lastDriftCheck).toISOString(),
    lastDriftCheckAt: lastDriftCheck.toISOString(),
  };
  // Most dispatches leave the due instant as it was: rewriting the same item would only cost a write.
  const unchanged =
    previous?.dueAt === schedule.dueAt && previous.lastDriftCheckAt === schedule.lastDriftCheckAt;
  if (!unchanged) await deps.index.put(schedule);
  return { kind: 'scheduled', schedule };
}
