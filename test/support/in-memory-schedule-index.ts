import type { CampaignSchedule, ScheduleIndex } from '../../lib/app/campaign-schedule.ts';

/** The due index in memory, for the app tests. */
export class InMemoryScheduleIndex implements ScheduleIndex {
  readonly items = new Map<string, CampaignSchedule>();

  async due(now: Date): Promise<CampaignSchedule[]> {
    return [...this.items.values()]
      .filter((s) => Date.parse(s.dueAt) <= now.getTime())
      .sort((a, b) => a.dueAt.localeCompare(b.dueAt))
      .map((s) => ({ ...s }));
  }

  async get(campaignId: string): Promise<CampaignSchedule | undefined> {
    const found = this.items.get(campaignId);
    return found && { ...found };
  }

  async put(schedule: CampaignSchedule): Promise<void> {
    this.items.set(schedule.campaignId, { ...schedule });
  }

  async claim(campaignId: string, expectedDueAt: string, until: string): Promise<boolean> {
    const found = this.items.get(campaignId);
    if (found?.dueAt !== expectedDueAt) return false;
    found.dueAt = until;
    return true;
  }

  async markDue(campaignId: string, at: string): Promise<void> {
    const found = this.items.get(campaignId);
    this.items.set(campaignId, { ...(found ?? { campaignId }), dueAt: at });
  }

  async remove(campaignId: string): Promise<void> {
    this.items.delete(campaignId);
  }
}
