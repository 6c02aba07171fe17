import { describe, expect, it } from 'vitest';
import type { Invocation } from '../../../infra/local/lambda-runtime.ts';
import { startScheduler } from '../../../infra/local/scheduler.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('startScheduler', () => {
  it('invokes with EventBridge Scheduled Events, never overlapping, and stops after the run in progress', async () => {
    const events: Record<string, unknown>[] = [];
    let running = 0;
    let overlapped = false;
    let finished = 0;
    const scheduler = startScheduler({
      intervalSeconds: 0.05,
      ruleName: 'svc-local-rebalance-schedule-1',
      invoke: async (event): Promise<Invocation> => {
        if (running > 0) overlapped = true;
        running += 1;
        events.push(event as Record<string, unknown>);
        await sleep(120);
        running -= 1;
        finished += 1;
        return { ok: true, value: undefined, durationMs: 120 };
      },
    });
    expect(events).toHaveLength(0); // like a rate rule: nothing at start
    await sleep(450);
    await scheduler.stop();
    const afterStop = events.length;
    const finishedAtStop = finished;
    await sleep(200);

    expect(afterStop).toBeGreaterThanOrEqual(2);
    expect(events.length).toBe(afterStop);
    expect(finishedAtStop).toBe(afterStop);
    expect(overlapped).toBe(false);
    expect(scheduler.runs).toBe(afterStop);
    expect(events[0]).toMatchObject({
      version: '0',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '123456789012',
      region: 'us-east-1',
      resources: ['arn:aws:events:us-east-1:123456789012:rule/svc-local-rebalance-schedule-1'],
      detail: {},
    });
    expect(events[0]?.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(events[0]?.id).not.toBe(events[1]?.id);
  });

  it('sends the schedule’s input instead of the Scheduled Event when one is set', async () => {
    const events: unknown[] = [];
    const scheduler = startScheduler({
      intervalSeconds: 0.02,
      ruleName: 'r',
      input: { campaignId: 'c1' },
      invoke: async (event): Promise<Invocation> => {
        events.push(event);
        return { ok: true, value: undefined, durationMs: 0 };
      },
    });
    await sleep(100);
    await scheduler.stop();
    expect(events[0]).toEqual({ campaignId: 'c1' });
  });
});
