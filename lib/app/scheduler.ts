// One scheduler tick: the campaigns due now, one message each on the campaigns-due queue.
import type { CampaignDueQueue, ScheduleIndex } from './campaign-schedule.ts';
import type { Clock } from './ports.ts';

/**
 * How long a queued campaign is left out of later ticks. Its handler stores the real next due instant when it is
 * done, usually within seconds; a handler that fails leaves the lease to run out, so the campaign is queued again
 * after it instead of once a minute while SQS is still retrying it.
 */
export const DUE_LEASE_MS = 5 * 60_000;

/** Claims run this many at a time. */
const CLAIM_CONCURRENCY = 16;

export interface SchedulerDeps {
  index: ScheduleIndex;
  queue: CampaignDueQueue;
  clock: Clock;
}

export interface TickResult {
  due: number;
  queued: number;
}

/**
 * Queues every campaign due at `now`, then leases each one (its dueAt moved on by DUE_LEASE_MS unless its handler
 * already stored a new one). Sending before claiming means a failed run leaves nothing leased, so its retry finds
 * the same campaigns; a campaign queued twice is handled twice, which is harmless (a re-plan that finds nothing to
 * change queues nothing).
 */
export async function queueDueCampaigns(deps: SchedulerDeps): Promise<TickResult> {
  const now = deps.clock.now();
  const due = await deps.index.due(now);
  await deps.queue.sendAll(due.map(({ campaignId, dueAt }) => ({ campaignId, dueAt })));
  const until = new Date(now.getTime() + DUE_LEASE_MS).toISOString();
  for (let start = 0; start < due.length; start += CLAIM_CONCURRENCY) {
    await Promise.all(
      due
        .slice(start, start + CLAIM_CONCURRENCY)
        .map(({ campaignId, dueAt }) => deps.index.claim(campaignId, dueAt, until)),
    );
  }
  return { due: due.length, queued: due.length };
}
