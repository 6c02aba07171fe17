import * as z from 'zod';

/** Which injected fault shaped an answer (extra field of the request log). */
export type FaultKind = 'rate_limit' | 'rate429' | 'rate5xx' | 'timeout' | 'rate409';

/** Injected faults. Rates are probabilities 0…1 drawn from the sandbox's seeded PRNG. */
export interface SandboxFaults {
  rate429: number;
  /** Sent on injected and rate-limit 429s and on injected 503s; null = no header (CXone usually sends none). */
  retryAfterSeconds: number | null;
  rate5xx: number;
  /** The request is never answered; it stays open until the client gives up. */
  rateTimeout: number;
  latencyMs: number;
  /** Token bucket over all API and token calls (burst = one second's worth); null = unlimited. */
  rateLimitPerSecond: number | null;
  /** expires_in of newly issued tokens; null = 3600. */
  tokenTtlSeconds: number | null;
  agentErrorRate: number;
  /** Admin API writes: 409 "Invalid Permissions". Campaign-agents PUT: a capacity conflict. */
  rate409: number;
  /** The first n members of a skill (by agentId) are left out of skill-agent GETs and counted in `hiddenAgents`. */
  hiddenAgents: number;
  /** false: skill-agent GETs leave out inactive assignments. */
  listInactive: boolean;
}

export const NO_FAULTS: Readonly<SandboxFaults> = Object.freeze({
  rate429: 0,
  retryAfterSeconds: null,
  rate5xx: 0,
  rateTimeout: 0,
  latencyMs: 0,
  rateLimitPerSecond: null,
  tokenTtlSeconds: null,
  agentErrorRate: 0,
  rate409: 0,
  hiddenAgents: 0,
  listInactive: true,
});

const rate = z.number().min(0).max(1);

/** Body of `PUT /sandbox/faults`: every field optional; unknown fields are refused so typos are not silent. */
export const faultsUpdateSchema = z.strictObject({
  rate429: rate.optional(),
  retryAfterSeconds: z.number().int().min(0).max(3600).nullable().optional(),
  rate5xx: rate.optional(),
  rateTimeout: rate.optional(),
  latencyMs: z.number().int().min(0).max(120_000).optional(),
  rateLimitPerSecond: z.number().min(0).nullable().optional(),
  tokenTtlSeconds: z.number().int().min(1).nullable().optional(),
  revokeTokensNow: z.boolean().optional(),
  agentErrorRate: rate.optional(),
  rate409: rate.optional(),
  hiddenAgents: z.number().int().min(0).optional(),
  listInactive: z.boolean().optional(),
  /** Extra: re-seeds the PRNG. */
  seed: z.number().int().optional(),
});

export type FaultsUpdate = z.infer<typeof faultsUpdateSchema>;

/** Merges an update into the current faults; `rateLimitPerSecond: 0` means unlimited like null. */
export function mergeFaults(current: SandboxFaults, update: FaultsUpdate): SandboxFaults {
  const { revokeTokensNow: _revoke, seed: _seed, ...settings } = update;
  const merged: SandboxFaults = { ...current };
  for (const [key, value] of Object.entries(settings)) {
    if (value !== undefined) Object.assign(merged, { [key]: value });
  }
  if (merged.rateLimitPerSecond === 0) merged.rateLimitPerSecond = null;
  return merged;
}

/** Classic token bucket: holds one second's worth of tokens (at least 1), refilled continuously. */
export class TokenBucket {
  readonly perSecond: number;
  private readonly capacity: number;
  private tokens: number;
  private updatedAtMs: number;
  private readonly now: () => number;

  constructor(perSecond: number, now: () => number) {
    this.perSecond = perSecond;
    this.now = now;
    this.capacity = Math.max(1, perSecond);
    this.tokens = this.capacity;
    this.updatedAtMs = now();
  }

  tryTake(): boolean {
    const nowMs = this.now();
    const elapsedSeconds = Math.max(0, nowMs - this.updatedAtMs) / 1000;
    this.tokens = Math.min(this.capacity, this.tokens + elapsedSeconds * this.perSecond);
    this.updatedAtMs = nowMs;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
