import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CampaignPoliciesSchema, type CampaignPolicy } from '../domain/schemas.ts';
import { ConfigurationError } from '../runtime/env.ts';

/** The file of policies a new stage is seeded with (config/campaign-policies.json): what policies:import reads. */
export const SEED_POLICIES_FILE = 'config/campaign-policies.json';

/** Reads and validates a campaign policies file (campaignId and cxoneSkillId unique); throws with every problem. */
export function readPoliciesFile(path: string): CampaignPolicy[] {
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
  return parsed.data;
}
