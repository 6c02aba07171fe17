import * as z from 'zod';

export const DEFAULT_POLICIES_FILE = 'config/campaign-policies.json';

export const TableEnv = z.object({ TABLE_NAME: z.string().min(1) });
export const PoliciesEnv = z.object({
  CAMPAIGN_POLICIES_FILE: z.string().min(1).default(DEFAULT_POLICIES_FILE),
});
export const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
