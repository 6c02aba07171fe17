// The campaign policies a local run starts with: the seed file (the original specification's example policy) plus,
// optionally, the policies of EXTRA_POLICIES_FILE (tests and benchmarks with many campaigns), validated together. The
// stack imports them into the table with the code a first deploy uses (lib/app/policies-import.ts) and seeds the
// CXone sandbox with one skill per policy.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { PolicyImportReport } from '../../lib/app/policies-import.ts';
import { CampaignPoliciesSchema, type CampaignPolicy } from '../../lib/domain/schemas.ts';

export class CampaignPoliciesError extends Error {
  override name = 'CampaignPoliciesError';
}

export interface LocalPolicies {
  policies: CampaignPolicy[];
  /** What the CXone sandbox is seeded with: one skill per campaign. */
  skills: { skillId: number; campaignId: string }[];
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new CampaignPoliciesError(
      `cannot read campaign policies from ${file}: ${(error as Error).message}`,
    );
  }
}

export function validatePolicies(value: unknown, source: string): CampaignPolicy[] {
  const parsed = CampaignPoliciesSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `[${issue.path.join('.')}] ${issue.message}`);
    throw new CampaignPoliciesError(`invalid campaign policies (${source}): ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** Both files and their union validated (campaign ids and skill ids unique across them). */
export async function prepareCampaignPolicies(options: {
  baseFile: string;
  extraPoliciesFile?: string;
}): Promise<LocalPolicies> {
  const baseFile = resolve(options.baseFile);
  let policies = validatePolicies(await readJson(baseFile), baseFile);
  if (options.extraPoliciesFile) {
    const extraFile = resolve(options.extraPoliciesFile);
    const extra = validatePolicies(await readJson(extraFile), extraFile);
    policies = validatePolicies([...policies, ...extra], `${baseFile} + ${extraFile}`);
  }
  return {
    policies,
    skills: policies.map((policy) => ({ skillId: policy.cxoneSkillId, campaignId: policy.campaignId })),
  };
}

/** The seed must land whole: a conflict means the table held other policies, which a fresh stack never does. */
export function checkImport(report: PolicyImportReport): void {
  if (report.conflicts.length > 0) {
    const conflicts = report.conflicts.map((c) => `${c.campaignId} (skill ${c.skillId} held by ${c.heldBy})`);
    throw new CampaignPoliciesError(`campaign policies not imported: ${conflicts.join(', ')}`);
  }
}
