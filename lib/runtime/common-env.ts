import * as z from 'zod';
import { MAX_POLICY_CACHE_SECONDS } from '../adapters/cached-policies.ts';

export const TableEnv = z.object({ TABLE_NAME: z.string().min(1) });
/** How long a function may serve a campaign policy it read from the table (0 = read it every time). */
export const PoliciesEnv = z.object({
  POLICY_CACHE_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(MAX_POLICY_CACHE_SECONDS)
    .default(MAX_POLICY_CACHE_SECONDS),
});
export const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/**
 * How the CXone rate ceiling is held: `shared` (default) by every instance of every function together, through
 * counters on the service table; `per-instance`, each instance on its own (the ceiling × the instances running).
 * CXONE_RATE_INSTANCES: how many instances may call CXone at once (sizes the leases; if the table cannot be reached
 * an instance falls back to ceiling ÷ this).
 */
export const CxoneRateEnv = z.object({
  CXONE_RATE_BUDGET: z.enum(['shared', 'per-instance']).default('shared'),
  CXONE_RATE_INSTANCES: positiveInt(5),
});

/** The CXone client's settings (the dispatcher's and the policy API's skill lookup). */
export const CxoneEnv = z.object({
  CXONE_SECRET_ID: z.string().min(1),
  CXONE_TARGET: z.enum(['admin', 'campaign-agents']).default('admin'),
  CXONE_API_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/)
    .default('v30.0'),
  CXONE_RATE_LIMIT_PER_SECOND: z.coerce.number().positive().default(10),
  SECRETS_MAX_AGE_SECONDS: positiveInt(300),
  ...CxoneRateEnv.shape,
});
