import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CampaignPoliciesSchema, type CampaignPolicy } from '../domain/schemas.ts';
import { ConfigurationError } from '../runtime/env.ts';

export interface PolicyCatalog {
  get(campaignId: string): CampaignPolicy | undefined;
  all(): readonly CampaignPolicy[];
}

/** Reads and validates the campaign policies file once; a bad file stops the function at init with the reason. */
export function loadPolicyCatalog(path: string): PolicyCatalog {
  const fullPath = resolve(path);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(fullPath, 'utf8'));
  } catch (error) {
    throw new ConfigurationError(
      `Cannot read campaign policies from ${fullPath}: ${(error as Error).message}`,
    );
  }
  const parsed = CampaignPoliciesSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigurationError(`Invalid campaign policies in ${fullPath}: ${problems}`);
  }
  const byId = new Map(parsed.data.map((policy) => [policy.campaignId, policy]));
  return { get: (campaignId) => byId.get(campaignId), all: () => parsed.data };
}
