import * as z from 'zod/mini';

/**
 * The most a function may lag behind a policy change; POLICY_CACHE_SECONDS may only shorten it. Defined here, not
 * in the policy cache (lib/adapters/cached-policies.ts re-exports it), so that parsing the environment at init does
 * not import the policy store and its schemas.
 */
export const MAX_POLICY_CACHE_SECONDS = 30;

// zod/mini: these are parsed at init (see lib/runtime/env.ts); extend them with extendEnv.
export const TableEnv = z.object({ TABLE_NAME: z.string().check(z.minLength(1)) });
/** How long a function may serve a campaign policy it read from the table (0 = read it every time). */
export const PoliciesEnv = z.object({
  POLICY_CACHE_SECONDS: z._default(
    z.coerce.number().check(z.int(), z.minimum(0), z.maximum(MAX_POLICY_CACHE_SECONDS)),
    MAX_POLICY_CACHE_SECONDS,
  ),
});
export const positiveInt = (fallback: number) =>
  z._default(z.coerce.number().check(z.int(), z.positive()), fallback);

/**
 * How the CXone rate ceiling is held: `shared` (default) by every instance of every function together, through
 * counters on the service table; `per-instance`, each instance on its own (the ceiling × the instances running).
 * CXONE_RATE_INSTANCES: how many instances may call CXone at once (sizes the leases; if the table cannot be reached
 * an instance falls back to ceiling ÷ this).
 */
export const CxoneRateEnv = z.object({
  CXONE_RATE_BUDGET: z._default(z.enum(['shared', 'per-instance']), 'shared'),
  CXONE_RATE_INSTANCES: positiveInt(5),
});

/** The CXone client's settings (the dispatcher's and the policy API's skill lookup). */
export const CxoneEnv = z.object({
  CXONE_SECRET_ID: z.string().check(z.minLength(1)),
  CXONE_TARGET: z._default(z.enum(['admin', 'campaign-agents']), 'admin'),
  CXONE_API_VERSION: z._default(z.string().check(z.regex(/^v\d+\.\d+$/)), 'v30.0'),
  CXONE_RATE_LIMIT_PER_SECOND: z._default(z.coerce.number().check(z.positive()), 10),
  SECRETS_MAX_AGE_SECONDS: positiveInt(300),
  ...CxoneRateEnv.shape,
});
