// EventBridge schedules, locally: invokes a function with a `Scheduled Event` every interval, or, for a
// `cron(* * * * ? *)` rule, at second 0 of every wall-clock minute as EventBridge does. Like a rate rule, the first
// run is one interval after the start (a minute rule: the next minute's second 0); runs never overlap (the next is
// due one interval after the last one ended, or at the first second 0 after it ended).
import { randomUUID } from 'node:crypto';
import type { ScheduledEvent } from 'aws-lambda';
import type { Invocation } from './lambda-runtime.ts';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from './moto.ts';

export interface SchedulerOptions {
  /** Seconds between runs; ignored when `everyMinute` is set. */
  intervalSeconds: number;
  /** Run at second 0 of each wall-clock minute (a `cron(* * * * ? *)` rule). */
  everyMinute?: boolean;
  ruleName: string;
  /** EventBridge `input`: sent instead of the Scheduled Event when set. */
  input?: unknown;
  invoke(event: unknown): Promise<Invocation>;
  log?: (line: string) => void;
}

export interface Scheduler {
  runs: number;
  /** Cancels the next run and waits for the one in progress. */
  stop(): Promise<void>;
}

export function scheduledEvent(ruleName: string, now = new Date()): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: LOCAL_ACCOUNT_ID,
    time: `${now.toISOString().slice(0, 19)}Z`,
    region: LOCAL_REGION,
    resources: [`arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:rule/${ruleName}`],
    detail: {},
  };
}

const MINUTE_MS = 60_000;

/** From `nowMs` to the next second 0 of a wall-clock minute (a whole minute when exactly on one). */
export function msToNextMinute(nowMs: number): number {
  return MINUTE_MS - (nowMs % MINUTE_MS);
}

export function startScheduler(options: SchedulerOptions): Scheduler {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const scheduler: Scheduler = {
    runs: 0,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(
      () => {
        running = run().finally(schedule);
      },
      options.everyMinute ? msToNextMinute(Date.now()) : options.intervalSeconds * 1000,
    );
  };
  const run = async () => {
    const event = options.input ?? scheduledEvent(options.ruleName);
    const invocation = await options.invoke(event);
    scheduler.runs += 1;
    if (!invocation.ok)
      options.log?.(`${options.ruleName}: scheduled run failed: ${invocation.error.message}`);
  };
  schedule();
  return scheduler;
}
