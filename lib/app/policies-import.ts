// The seed of a new stage: config/campaign-policies.json (and, locally, EXTRA_POLICIES_FILE) imported into the policy
// store. Only campaigns without a policy are written, so importing again never undoes a change made through the API.
import type { CampaignPolicy } from '../domain/schemas.ts';
import type { PolicyStore } from './ports.ts';

export interface PolicyImportReport {
  /** Campaigns written, as version 1 (or the version after their last, when they had a policy before). */
  created: string[];
  /** Campaigns that already have a policy: left as they are. */
  skipped: string[];
  /** Campaigns whose skill another campaign already holds: not written. */
  conflicts: { campaignId: string; skillId: number; heldBy: string }[];
}

/**
 * Writes every policy whose campaign has none yet, in order. The policies are trusted configuration (validated
 * with CampaignPoliciesSchema by the caller): their skills are not looked up on CXone.
 */
export async function importPolicies(
  store: PolicyStore,
  policies: readonly CampaignPolicy[],
  at: Date,
): Promise<PolicyImportReport> {
  const report: PolicyImportReport = { created: [], skipped: [], conflicts: [] };
  for (const policy of policies) {
    if (await store.getPolicy(policy.campaignId)) {
      report.skipped.push(policy.campaignId);
      continue;
    }
    const written = await store.createPolicy(policy, at.toISOString());
    if (written.kind === 'written') report.created.push(policy.campaignId);
    else if (written.kind === 'precondition_failed') report.skipped.push(policy.campaignId);
    else {
      report.conflicts.push({
        campaignId: policy.campaignId,
        skillId: policy.cxoneSkillId,
        heldBy: written.heldBy,
      });
    }
  }
  return report;
}
