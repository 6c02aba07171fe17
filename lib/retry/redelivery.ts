// When a failed SQS message comes back. The handler sets the failed message's visibility timeout to one of these
// delays; the queue's redrive policy (maxReceiveCount) moves it to the DLQ in the end.
import { backoffCeilingMs } from './backoff.ts';

/** SQS's limit for a message's visibility timeout (12 h). */
export const MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200;

export interface RetryDelayPolicy {
  baseSeconds: number;
  capSeconds: number;
  /** Returns [0, 1) like Math.random; injected in tests. */
  random: () => number;
}

export const DEFAULT_RETRY_DELAY_POLICY: RetryDelayPolicy = {
  baseSeconds: 5,
  capSeconds: 900,
  random: Math.random,
};

/**
 * Visibility timeout, in whole seconds, before the next attempt of a message received `receiveCount` times
 * (SQS ApproximateReceiveCount, 1 on the first receive). A Retry-After wins; otherwise capped exponential backoff
 * with full jitter, a whole number of seconds in [0, ceiling]. Always within [1, 43200] so no retry is immediate.
 */
export function retryDelaySeconds(
  receiveCount: number,
  retryAfterMs?: number,
  policy: Partial<RetryDelayPolicy> = {},
): number {
  const { baseSeconds, capSeconds, random } = { ...DEFAULT_RETRY_DELAY_POLICY, ...policy };
  if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs)) {
    return clampSeconds(Math.ceil(retryAfterMs / 1000));
  }
  const attempt = Number.isFinite(receiveCount) ? Math.max(Math.floor(receiveCount), 1) : 1;
  const ceiling = backoffCeilingMs(attempt, { baseMs: baseSeconds * 1000, capMs: capSeconds * 1000 }) / 1000;
  return clampSeconds(Math.floor(random() * (ceiling + 1)));
}

export interface Receive {
  /** SQS ApproximateReceiveCount of this delivery. */
  receiveCount: number;
  /** The queue's redrive maxReceiveCount: the receive that reaches it is the last one. */
  maxReceiveCount: number;
}

/**
 * Like retryDelaySeconds, but 0 after the last receive: the message's next stop is the DLQ, and holding it back
 * would only delay that.
 */
export function redeliveryDelaySeconds(
  receive: Receive,
  retryAfterMs: number | undefined,
  policy: Partial<RetryDelayPolicy> = {},
): number {
  if (receive.receiveCount >= receive.maxReceiveCount) return 0;
  return retryDelaySeconds(receive.receiveCount, retryAfterMs, policy);
}

/** A delay as a valid visibility timeout: whole seconds in [0, 43200]. */
export function visibilityTimeoutSeconds(seconds: number): number {
  return Math.max(0, Math.min(MAX_VISIBILITY_TIMEOUT_SECONDS, Math.ceil(seconds)));
}

function clampSeconds(seconds: number): number {
  return Math.min(Math.max(seconds, 1), MAX_VISIBILITY_TIMEOUT_SECONDS);
}
