import { describe, expect, it } from 'vitest';
import type { CampaignDueMessage, CampaignDueQueue } from '../../../lib/app/campaign-schedule.ts';
import { DUE_LEASE_MS, queueDueCampaigns } from '../../../lib/app/scheduler.ts';
import { FixedClock } from '../../support/clock.ts';
import { InMemoryScheduleIndex } from '../../support/in-memory-schedule-index.ts';

const TICK = new Date('2026-03-10T16:00:00Z');
const at = (minutes: number) => new Date(TICK.getTime() + minutes * 60_000).toISOString();

class RecordingDueQueue implements CampaignDueQueue {
  readonly messages: CampaignDueMessage[] = [];
  fail = false;
  onSend?: () => Promise<void>;

  async sendAll(messages: readonly CampaignDueMessage[]): Promise<void> {
    if (this.fail) throw new Error('queue unavailable (injected)');
    this.messages.push(...messages);
    await this.onSend?.();
  }
}

function setup() {
  const index = new InMemoryScheduleIndex();
  const queue = new RecordingDueQueue();
  const clock = new FixedClock(TICK);
  return { index, queue, clock, tick: () => queueDueCampaigns({ index, queue, clock }) };
}

describe('queueDueCampaigns', () => {
  it('queues one message per due campaign and none for the others', async () => {
    const { index, queue, tick } = setup();
    await index.put({ campaignId: 'late', dueAt: at(-3) });
    await index.put({ campaignId: 'now', dueAt: at(0) });
    await index.put({ campaignId: 'later', dueAt: at(1) });
    expect(await tick()).toEqual({ due: 2, queued: 2 });
    expect(queue.messages).toEqual([
      { campaignId: 'late', dueAt: at(-3) },
      { campaignId: 'now', dueAt: at(0) },
    ]);
  });

  it('leases what it queued, so the next ticks skip it until the lease runs out', async () => {
    const { index, queue, clock, tick } = setup();
    await index.put({ campaignId: 'c-1', dueAt: at(0) });
    await tick();
    expect((await index.get('c-1'))?.dueAt).toBe(new Date(TICK.getTime() + DUE_LEASE_MS).toISOString());
    clock.advance(60_000);
    expect(await tick()).toEqual({ due: 0, queued: 0 });
    clock.set(new Date(TICK.getTime() + DUE_LEASE_MS));
    expect(await tick()).toEqual({ due: 1, queued: 1 });
    expect(queue.messages.map((m) => m.campaignId)).toEqual(['c-1', 'c-1']);
  });

  it('never overwrites the due instant a fast handler already stored', async () => {
    const { index, queue, tick } = setup();
    await index.put({ campaignId: 'c-1', dueAt: at(0) });
    queue.onSend = () => index.put({ campaignId: 'c-1', dueAt: at(15) });
    await tick();
    expect((await index.get('c-1'))?.dueAt).toBe(at(15));
  });

  it('leases nothing when the queue refuses, so the retried run finds the same campaigns', async () => {
    const { index, queue, tick } = setup();
    await index.put({ campaignId: 'c-1', dueAt: at(0) });
    queue.fail = true;
    await expect(tick()).rejects.toThrow(/queue unavailable/);
    expect((await index.get('c-1'))?.dueAt).toBe(at(0));
    queue.fail = false;
    expect(await tick()).toEqual({ due: 1, queued: 1 });
  });
});
