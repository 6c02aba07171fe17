// When a webhook that failed is tried again. The default is Svix's schedule (also the one Standard Webhooks
// suggests the start of): the first attempt at once, then after each failure 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and
// 10 h — 8 attempts over 27 h 35 min 5 s. After the last one the delivery has failed (the WFM dead-letter queue).
// Each wait is one SQS visibility timeout of the delivery message, so no step may exceed SQS's 12 hours.

/** The waits, in seconds, after failed attempt 1, 2, … (one fewer than the attempts). */
export const DEFAULT_WEBHOOK_RETRY_SCHEDULE_SECONDS: readonly number[] = Object.freeze([
  5, 300, 1_800, 7_200, 18_000, 36_000, 36_000,
]);

/**
 * The longest single wait: SQS's 12 h visibility ceiling counts from the receive, so a little of it is already
 * used by the attempt itself (the function's timeout is far below this margin).
 */
export const MAX_RETRY_WAIT_SECONDS = 43_200 - 300;

export class InvalidRetryScheduleError extends Error {
  constructor(text: string) {
    super(
      `WFM_RETRY_SCHEDULE_SECONDS must be comma-separated whole seconds, 1 to ${MAX_RETRY_WAIT_SECONDS} each (got "${text.slice(0, 100)}")`,
    );
    this.name = 'InvalidRetryScheduleError';
  }
}

/** `1,2,4` → [1, 2, 4]; an empty or missing value is the default schedule. */
export function parseRetrySchedule(text: string | undefined): readonly number[] {
  if (text === undefined || text.trim() === '') return DEFAULT_WEBHOOK_RETRY_SCHEDULE_SECONDS;
  const waits = text.split(',').map((part) => part.trim());
  if (waits.length > 50 || waits.some((wait) => !/^\d{1,6}$/.test(wait))) {
    throw new InvalidRetryScheduleError(text);
  }
  const seconds = waits.map(Number);
  if (seconds.some((wait) => wait < 1 || wait > MAX_RETRY_WAIT_SECONDS))
    throw new InvalidRetryScheduleError(text);
  return Object.freeze(seconds);
}

/** Attempts in all: the first one plus one per wait. The WFM queue's maxReceiveCount equals this. */
export function attemptsOf(schedule: readonly number[]): number {
  return schedule.length + 1;
}

/** From the first attempt to the last, without Retry-After extensions (27 h 35 min 5 s for the default). */
export function scheduleSpanSeconds(schedule: readonly number[]): number {
  return schedule.reduce((sum, wait) => sum + wait, 0);
}

/**
 * Seconds to wait after failed attempt `attempt` (1-based), or undefined when it was the last one. A Retry-After
 * (429/503) is honoured by never trying earlier than it asks; the schedule's wait stays the minimum, so a receiver
 * answering `Retry-After: 0` cannot burn through the attempts in seconds.
 */
export function retryWaitSeconds(
  attempt: number,
  schedule: readonly number[],
  retryAfterMs?: number,
): number | undefined {
  if (!Number.isInteger(attempt) || attempt < 1 || attempt >= attemptsOf(schedule)) return undefined;
  const scheduled = schedule[attempt - 1] as number;
  const asked =
    retryAfterMs !== undefined && Number.isFinite(retryAfterMs) ? Math.ceil(retryAfterMs / 1000) : 0;
  return Math.min(Math.max(scheduled, asked), MAX_RETRY_WAIT_SECONDS);
}

/** `27 h 35 min 5 s`: a span as the docs write it. */
export function formatSpan(seconds: number): string {
  const parts: string[] = [];
  const units: [number, string][] = [
    [3_600, 'h'],
    [60, 'min'],
    [1, 's'],
  ];
  let rest = Math.max(0, Math.floor(seconds));
  for (const [size, unit] of units) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0) parts.push(`${count} ${unit}`);
  }
  return parts.length === 0 ? '0 s' : parts.join(' ');
}
