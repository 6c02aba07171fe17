// The campaign policies of a local run: the bundled file (the original specification's example policy) plus, optionally, the policies
// of EXTRA_POLICIES_FILE (tests and benchmarks with many campaigns), validated together like the handlers do.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CampaignPoliciesSchema, type CampaignPolicy } from '../../lib/domain/schemas.ts';

export class CampaignPoliciesError extends Error {
  override name = 'CampaignPoliciesError';
}

export interface LocalPolicies {
  /** Absolute path the handlers read (CAMPAIGN_POLICIES_FILE). */
  file: string;
  policies: CampaignPolicy[];
  /** What the CXone sandbox is seeded with: one skill per campaign. */
  skills: { skillId: number; campaignId: string }[];
  /** The temporary directory holding the merged file, if one was written (remove it when done). */
  tempDir?: string;
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

/**
 * Without extra policies the handlers read `baseFile` itself; with them, the merged and validated list is written
 * to a temporary file. Either way the result's `file` is absolute.
 */
export async function prepareCampaignPolicies(options: {
  baseFile: string;
  extraPoliciesFile?: string;
}): Promise<LocalPolicies> {
  const baseFile = resolve(options.baseFile);
  const base = validatePolicies(await readJson(baseFile), baseFile);
  let file = baseFile;
  let policies = base;
  let tempDir: string | undefined;
  if (options.extraPoliciesFile) {
    const extraFile = resolve(options.extraPoliciesFile);
    const extra = validatePolicies(await readJson(extraFile), extraFile);
    policies = validatePolicies([...base, ...extra], `${baseFile} + ${extraFile}`);
    tempDir = await mkdtemp(join(tmpdir(), 'cxone-assignments-policies-'));
    file = join(tempDir, 'campaign-policies.json');
    await writeFile(file, `${JSON.stringify(policies, null, 2)}\n`);
  }
  return {
    file,
    policies,
    skills: policies.map((policy) => ({ skillId: policy.cxoneSkillId, campaignId: policy.campaignId })),
    tempDir,
  };
}
