// What every ScheduleIndex must do, run on the in-memory fake, the DynamoDB adapter over the fake table, and the
// adapter over moto (test/integration/dynamo-schedule-index.test.ts).
import { describe, expect, it } from 'vitest';
import type { ScheduleIndex } from '../../lib/app/campaign-schedule.ts';

const T0 = '2026-03-10T13:00:00.000Z';
const T1 = '2026-03-10T13:01:00.000Z';
const T2 = '2026-03-10T13:02:00.000Z';

export function scheduleIndexContract(name: string, create: () => ScheduleIndex | Promise<ScheduleIndex>) {
  describe(`ScheduleIndex contract: ${name}`, () => {
    it('answers only the campaigns due at or before now', async () => {
      const index = await create();
      await index.put({ campaignId: 'c-early', dueAt: T0, lastDriftCheckAt: T0 });
      await index.put({ campaignId: 'c-now', dueAt: T1 });
      await index.put({ campaignId: 'c-later', dueAt: T2 });
      const due = await index.due(new Date(T1));
      expect(due.map((s) => s.campaignId).sort()).toEqual(['c-early', 'c-now']);
      expect(due.find((s) => s.campaignId === 'c-early')).toEqual({
        campaignId: 'c-early',
        dueAt: T0,
        lastDriftCheckAt: T0,
      });
      expect(await index.due(new Date('2026-03-10T12:59:59.999Z'))).toEqual([]);
    });

    it('answers every due campaign of many, across pages and shards', async () => {
      const index = await create();
      const ids = Array.from({ length: 120 }, (_, i) => `campaign-${String(i).padStart(3, '0')}`);
      for (const [i, campaignId] of ids.entries()) {
        await index.put({ campaignId, dueAt: i % 2 === 0 ? T0 : T2 });
      }
      const due = await index.due(new Date(T1));
      expect(due.map((s) => s.campaignId).sort()).toEqual(ids.filter((_, i) => i % 2 === 0));
    });

    it('replaces a campaign’s entry, and forgets a removed one', async () => {
      const index = await create();
      await index.put({ campaignId: 'c-1', dueAt: T0 });
      await index.put({ campaignId: 'c-1', dueAt: T2, lastDriftCheckAt: T1 });
      expect(await index.get('c-1')).toEqual({ campaignId: 'c-1', dueAt: T2, lastDriftCheckAt: T1 });
      expect(await index.due(new Date(T1))).toEqual([]);
      await index.remove('c-1');
      expect(await index.get('c-1')).toBeUndefined();
      expect(await index.due(new Date(T2))).toEqual([]);
      await index.remove('c-unknown');
    });

    it('leases a campaign only while its dueAt is still the one read', async () => {
      const index = await create();
      await index.put({ campaignId: 'c-1', dueAt: T0 });
      expect(await index.claim('c-1', T1, T2)).toBe(false);
      expect(await index.claim('c-1', T0, T2)).toBe(true);
      expect((await index.get('c-1'))?.dueAt).toBe(T2);
      expect(await index.due(new Date(T1))).toEqual([]);
      expect(await index.claim('c-1', T0, T2)).toBe(false);
    });

    it('marks a campaign due, keeping its last drift check', async () => {
      const index = await create();
      await index.put({ campaignId: 'c-1', dueAt: T2, lastDriftCheckAt: T0 });
      await index.markDue('c-1', T1);
      expect(await index.get('c-1')).toEqual({ campaignId: 'c-1', dueAt: T1, lastDriftCheckAt: T0 });
      await index.markDue('c-new', T1);
      expect((await index.due(new Date(T1))).map((s) => s.campaignId).sort()).toEqual(['c-1', 'c-new']);
    });
  });
}
