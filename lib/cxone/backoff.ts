// Capped full-jitter exponential backoff (AWS Architecture Blog, "Exponential Backoff And Jitter"):
// delay = random(0, min(cap, base · 2^(attempt-1))). With base 500 ms and cap 10 s the ceilings are
// 0.5, 1, 2, 4, 8, 10 … s. CXone usually sends no Retry-After on 429, so this is what spaces our retries.

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, capMs: 10_000 };

/** Ceiling of the delay after failed attempt number `attempt` (1-based). */
export function backoffCeilingMs(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  return Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
}

/** Full-jitter delay after failed attempt `attempt`; `random` returns [0, 1) like Math.random. */
export function fullJitterDelayMs(
  attempt: number,
  random: () => number = Math.random,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
): number {
  return Math.floor(random() * backoffCeilingMs(attempt, policy));
}
