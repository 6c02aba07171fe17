import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Invocation } from '../../../infra/local/lambda-runtime.ts';
import { msToNextMinute, startScheduler } from '../../../infra/local/scheduler.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterEach(() => vi.useRealTimers());

describe('startScheduler every minute (a cron(* * * * ? *) rule)', () => {
  it('runs at second 0 of each wall-clock minute, as EventBridge does', async () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-03-10T15:59:42.250Z'));
    const runs: { at: string; time: unknown }[] = [];
    const scheduler = startScheduler({
      intervalSeconds: 300,
      everyMinute: true,
      ruleName: 'svc-local-scheduler-schedule-1',
      invoke: async (event): Promise<Invocation> => {
        runs.push({ at: new Date().toISOString(), time: (event as { time: unknown }).time });
        // A slow run: the next starts at the first second 0 after it ended.
        if (runs.length === 2) await new Promise((resolve) => setTimeout(resolve, 75_000));
        return { ok: true, value: undefined, durationMs: 0 };
      },
    });
    await vi.advanceTimersByTimeAsync(17_749);
    expect(runs).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(runs).toEqual([{ at: '2026-03-10T16:00:00.000Z', time: '2026-03-10T16:00:00Z' }]);
    await vi.advanceTimersByTimeAsync(4 * 60_000);
    await scheduler.stop();
    expect(runs.map((r) => r.at)).toEqual([
      '2026-03-10T16:00:00.000Z',
      '2026-03-10T16:01:00.000Z',
      '2026-03-10T16:03:00.000Z',
      '2026-03-10T16:04:00.000Z',
    ]);
  });

  it('waits a whole minute from exactly second 0', () => {
    expect(msToNextMinute(Date.parse('2026-03-10T16:00:00.000Z'))).toBe(60_000);
    expect(msToNextMinute(Date.parse('2026-03-10T16:00:59.999Z'))).toBe(1);
  });
});

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
