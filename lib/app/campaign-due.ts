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
import { checkCampaignDrift, type DriftAction, type DriftDeps } from './drift.ts';
import { type CampaignRebalance, type RebalanceDeps, rebalanceCampaign } from './rebalance.ts';

/**
 * What a drift check did: its action, `skipped` when the campaign had nothing to compare (no policy or desired
 * state by the time of the read), or `deferred` when a re-plan of this minute is still converging (a check now would
 * report the change on its way as drift; it runs at the next tick instead).
 */
export type DriftCheckAction = DriftAction | 'skipped' | 'deferred';

/** The scheduled drift check over the drift use case, acting on a difference as the policy's onDrift says. */
export function driftCheckWith(deps: DriftDeps): (campaignId: string) => Promise<DriftCheckAction> {
  return async (campaignId) => {
    const outcome = await checkCampaignDrift(deps, campaignId, { act: true });
    return outcome.kind === 'checked' ? outcome.action : 'skipped';
  };
}

/** Re-plan outcomes after which CXone is expected to hold the plan for now, so a drift check compares like with like. */
const SETTLED = new Set<CampaignRebalance['action']>(['unchanged', 'rejected']);

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
    if (SETTLED.has(rebalance.action)) {
      drift = await deps.checkDrift(campaignId);
      driftCheckedAt = minuteOf(now);
    } else {
      drift = 'deferred';
    }
  }
  const schedule = await rescheduleCampaign(deps, campaignId, driftCheckedAt);
  return { campaignId, rebalance, ...(drift ? { drift } : {}), schedule };
}
