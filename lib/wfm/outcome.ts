// The result of one webhook delivery attempt, without the HTTP code that produces it (lib/wfm/deliver.ts), so the
// application can decide what follows an attempt.

/**
 * `retry`: try again later (on the retry schedule, honouring `retryAfterMs`); `disabled`: the receiver answered
 * 410 Gone and wants no more events; `refused`: the URL policy forbids the endpoint. `reason` never contains
 * secrets, signatures or the URL.
 */
export type DeliveryOutcome =
  | { kind: 'delivered'; status: number; durationMs: number }
  | { kind: 'disabled'; status: 410; durationMs: number }
  | { kind: 'retry'; status?: number; retryAfterMs?: number; reason: string; durationMs: number }
  | { kind: 'refused'; reason: string; durationMs: number };
