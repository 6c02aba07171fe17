// The CXone client's entry point: pick a target, wire the shared HTTP/retry/rate-limit/token machinery.
// Uses Node's global fetch (undici; keeps connections alive between calls). No AWS imports here.
import { setTimeout as delay } from 'node:timers/promises';
import type { BackoffPolicy } from '../retry/backoff.ts';
import { createAdminClient } from './admin-client.ts';
import { createCampaignAgentsClient } from './campaign-agents-client.ts';
import type { CredentialsProvider, CxoneTargetName } from './credentials.ts';
import type { FetchFn, RetryEvent } from './http.ts';
import type { SharedRateBudget } from './rate-budget.ts';
import { TenantRateLimiters } from './rate-limiter.ts';
import type { ClientRuntime } from './session.ts';
import { type SharedLimiterOptions, SharedTenantLimiters } from './shared-limiter.ts';
import { TokenCache } from './token-cache.ts';
import type { CxoneAssignmentClient } from './types.ts';

export type { BalancedConvergeResult } from './converge.ts';
export { convergeWithBalancing } from './converge.ts';
export type { CredentialsProvider, CxoneCredentials, CxoneTargetName } from './credentials.ts';
export { parseCxoneCredentials, staticCredentials } from './credentials.ts';
export {
  CxoneAuthError,
  CxoneConflictError,
  CxoneCredentialsError,
  CxoneError,
  CxonePermanentError,
  CxoneRetryableError,
  CxoneUnsupportedError,
} from './errors.ts';
export type { RetryEvent } from './http.ts';
export type { AimdState, SharedRateBudget, SlotClaim, SlotGrant } from './rate-budget.ts';
export type {
  CallContext,
  CampaignTarget,
  ConvergeResult,
  CxoneAssignmentClient,
  CxoneConvergeClient,
  CxoneSkill,
  FailedAgent,
  MembershipScope,
} from './types.ts';

export const DEFAULT_API_VERSION = 'v30.0';
export const DEFAULT_RATE_LIMIT_PER_SECOND = 10;
export const DEFAULT_MAX_ATTEMPTS = 5;
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** Ceilings 0.5, 1, 2, 4, 8, 10 … s. CXone usually sends no Retry-After on 429, so this is what spaces our retries. */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, capMs: 10_000 };
/** Longest Retry-After a call waits for (a longer one is clamped; the deadline may still end the wait sooner). */
export const DEFAULT_MAX_RETRY_AFTER_MS = 60_000;

export interface CreateCxoneClientOptions {
  /** `admin` (default): real CXone. `campaign-agents`: the original spec's contract, not a public CXone API. */
  target?: CxoneTargetName;
  credentials: CredentialsProvider;
  /** Admin API version, `v{N}.{M}`; default v30.0. */
  apiVersion?: string;
  /**
   * Limit per tenant, token and discovery calls included; default 10. With `sharedBudget` it is the ceiling of all
   * instances together; without, each client instance keeps its own local bucket at this rate.
   */
  rateLimitPerSecond?: number;
  /** Where the tenant's instances share the ceiling and its AIMD state; omitted, the limit is per client instance. */
  sharedBudget?: SharedBudgetOptions;
  /** Requests allowed back to back after idling; default 1 (evenly spaced). */
  rateLimitBurst?: number;
  /** Attempts per request, the first included; default 5. */
  maxAttempts?: number;
  /** Full-jitter backoff when the server gives no Retry-After; default base 500 ms, cap 10 s. */
  backoff?: BackoffPolicy;
  /** Longest Retry-After honoured (a longer one is clamped); default 60 s. */
  maxRetryAfterMs?: number;
  /** Per-request timeout, also bounded by the call's deadline; default 10 s. */
  requestTimeoutMs?: number;
  /** Admin target: how long a listing of the tenant's agents answers userId misses; default 5 min. */
  agentDirectoryMaxAgeMs?: number;
  /** Called before each retry sleep (logging, metrics). */
  onRetry?: (event: RetryEvent) => void;
  fetch?: FetchFn;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface SharedBudgetOptions
  extends Partial<Omit<SharedLimiterOptions, 'budget' | 'ceiling' | 'instances' | 'now' | 'sleep'>> {
  budget: SharedRateBudget;
  /** How many instances may call CXone at once (lease sizes; the local fallback runs at ceiling ÷ instances). */
  instances: number;
}

/** Create once per Lambda container and reuse: the token cache, discovery and agent lookups live in it. */
export function createCxoneClient(options: CreateCxoneClientOptions): CxoneAssignmentClient {
  const target = options.target ?? 'admin';
  const apiVersion = options.apiVersion ?? DEFAULT_API_VERSION;
  if (!/^v\d+\.\d+$/.test(apiVersion))
    throw new RangeError(`apiVersion must look like v30.0, got ${apiVersion}`);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  const rate = options.rateLimitPerSecond ?? DEFAULT_RATE_LIMIT_PER_SECOND;

  const runtime: ClientRuntime = {
    target,
    credentials: options.credentials,
    tokens: new TokenCache(now),
    limiters: options.sharedBudget
      ? new SharedTenantLimiters({ ...options.sharedBudget, ceiling: rate, now, sleep })
      : new TenantRateLimiters({ ratePerSecond: rate, burst: options.rateLimitBurst ?? 1, now, sleep }),
    http: {
      fetch: options.fetch ?? ((input, init) => fetch(input, init)),
      now,
      sleep,
      random: options.random ?? Math.random,
      backoff: options.backoff ?? DEFAULT_BACKOFF,
      maxAttempts: Math.max(1, options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS),
      maxRetryAfterMs: options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS,
      requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      ...(options.onRetry ? { onRetry: options.onRetry } : {}),
    },
  };
  return target === 'admin'
    ? createAdminClient({
        runtime,
        apiVersion,
        ...(options.agentDirectoryMaxAgeMs === undefined
          ? {}
          : { agentDirectoryMaxAgeMs: options.agentDirectoryMaxAgeMs }),
      })
    : createCampaignAgentsClient({ runtime });
}
