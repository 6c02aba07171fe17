// Capped full-jitter exponential backoff (AWS Architecture Blog, "Exponential Backoff And Jitter"):
// delay = random(0, min(cap, base · 2^(attempt-1))). Spreading retries over the whole range keeps many clients that
// failed together from retrying together.

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

/** Ceiling of the delay after failed attempt number `attempt` (1-based). */
export function backoffCeilingMs(attempt: number, policy: BackoffPolicy): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  return Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
}

/** Full-jitter delay in [0, ceiling) after failed attempt `attempt`; `random` returns [0, 1) like Math.random. */
export function fullJitterDelayMs(attempt: number, random: () => number, policy: BackoffPolicy): number {
  return Math.floor(random() * backoffCeilingMs(attempt, policy));
}
