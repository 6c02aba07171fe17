import { describe, expect, it } from 'vitest';
import { backfillSchedules } from '../../../lib/app/schedule-backfill.ts';
import { CampaignPolicySchema } from '../../../lib/domain/schemas.ts';
import { POLICY } from '../../support/fixtures.ts';
import { InMemoryPolicyStore } from '../../support/in-memory-policy-store.ts';
import { InMemoryScheduleIndex } from '../../support/in-memory-schedule-index.ts';

const AT = new Date('2026-03-10T16:00:00Z');

describe('backfillSchedules', () => {
  it('makes every configured campaign without a schedule due now, across pages, and keeps the scheduled ones', async () => {
    const policies = new InMemoryPolicyStore();
    const ids = Array.from({ length: 130 }, (_, i) => `campaign-${String(i).padStart(3, '0')}`);
    for (const [i, campaignId] of ids.entries()) {
      const policy = CampaignPolicySchema.parse({ ...POLICY, campaignId, cxoneSkillId: 4_600_000 + i });
      expect((await policies.createPolicy(policy, AT.toISOString())).kind).toBe('written');
    }
    const index = new InMemoryScheduleIndex();
    await index.put({ campaignId: 'campaign-007', dueAt: '2026-03-10T17:00:00.000Z' });

    const report = await backfillSchedules({ policies, index }, AT);
    expect(report.kept).toEqual(['campaign-007']);
    expect(report.scheduled).toHaveLength(129);
    expect((await index.due(AT)).map((s) => s.campaignId).sort()).toEqual(
      ids.filter((id) => id !== 'campaign-007'),
    );
    expect((await index.get('campaign-007'))?.dueAt).toBe('2026-03-10T17:00:00.000Z');

    expect(await backfillSchedules({ policies, index }, AT)).toEqual({ scheduled: [], kept: ids });
  });
});
