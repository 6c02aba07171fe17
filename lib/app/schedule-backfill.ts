// Puts every configured campaign that has no schedule item into the due index, due at once. A stage whose campaigns
// had desired states before the scheduler existed needs it once: until a campaign's next dispatch nothing else would
// schedule it. The scheduler's next tick then re-plans each one and stores its real due instant (or drops it when it
// has no desired state).
import type { ScheduleIndex } from './campaign-schedule.ts';
import type { PolicyStore } from './ports.ts';

const PAGE_LIMIT = 100;

export interface BackfillReport {
  scheduled: string[];
  /** Campaigns already in the index: left as they are. */
  kept: string[];
}

export async function backfillSchedules(
  deps: { policies: Pick<PolicyStore, 'listPolicies'>; index: ScheduleIndex },
  at: Date,
): Promise<BackfillReport> {
  const report: BackfillReport = { scheduled: [], kept: [] };
  let cursor: string | undefined;
  do {
    const page = await deps.policies.listPolicies({ limit: PAGE_LIMIT, ...(cursor ? { cursor } : {}) });
    for (const { campaignId } of page.items) {
      if (await deps.index.get(campaignId)) {
        report.kept.push(campaignId);
        continue;
      }
      await deps.index.markDue(campaignId, at.toISOString());
      report.scheduled.push(campaignId);
    }
    cursor = page.nextCursor;
  } while (cursor);
  return report;
}
