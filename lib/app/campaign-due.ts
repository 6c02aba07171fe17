// One due campaign, as the scheduler's fan-out hands it over: re-plan for now, check for drift when that is due,
// and store when the campaign is next due.
import {
  type CampaignDueMessage,
  isDriftCheckDue,
  minuteOf,
  type RescheduleDeps,
  type RescheduleOutcome,
  rescheduleCampaign,
} from './campaign-schedule.ts';
import { type CampaignRebalance, type RebalanceDeps, rebalanceCampaign } from './rebalance.ts';

/** What a drift check did, as far as the scheduler counts it. */
export type DriftCheckAction = 'none' | 'reported' | 'repair_queued' | 'repair_pending' | 'skipped';

export type DueCampaignDeps = RebalanceDeps &
  RescheduleDeps & {
    /** Compares CXone with the plan for now and acts on a difference (the policy's onDrift). */
    checkDrift?: (campaignId: string) => Promise<DriftCheckAction>;
  };

export interface DueCampaignOutcome {
  campaignId: string;
  rebalance?: CampaignRebalance;
  drift?: DriftCheckAction;
  schedule: RescheduleOutcome;
}

export async function handleDueCampaign(
  deps: DueCampaignDeps,
  message: CampaignDueMessage,
): Promise<DueCampaignOutcome> {
  const { campaignId } = message;
  const policy = await deps.policyFor(campaignId);
  if (!policy) return { campaignId, schedule: await rescheduleCampaign(deps, campaignId) };
  const rebalance = await rebalanceCampaign(deps, policy);
  if (rebalance.action === 'no_desired_state') {
    return { campaignId, rebalance, schedule: await rescheduleCampaign(deps, campaignId) };
  }
  const now = deps.clock.now();
  const previous = await deps.index.get(campaignId);
  let drift: DriftCheckAction | undefined;
  let driftCheckedAt: Date | undefined;
  if (deps.checkDrift && isDriftCheckDue(policy, previous?.lastDriftCheckAt, now)) {
    drift = await deps.checkDrift(campaignId);
    driftCheckedAt = minuteOf(now);
  }
  const schedule = await rescheduleCampaign(deps, campaignId, driftCheckedAt);
  return { campaignId, rebalance, ...(drift ? { drift } : {}), schedule };
}
