// Campaign policies in the fake table, laid out exactly as DynamoPolicyStore writes them: what the handler tests
// seed instead of the policies file the functions no longer read.
import { storedPolicyItems } from '../../lib/adapters/dynamo-policy-store.ts';
import type { CampaignPolicy } from '../../lib/domain/schemas.ts';
import type { FakeDynamoTable } from './fake-dynamodb-table.ts';

export const POLICY_STORED_AT = '2026-03-10T12:00:00.000Z';

/** Stores each policy as version `version` (1 by default) of its campaign. */
export function seedPolicies(table: FakeDynamoTable, policies: readonly CampaignPolicy[], version = 1): void {
  for (const policy of policies) {
    const stored = { campaignId: policy.campaignId, version, updatedAt: POLICY_STORED_AT, policy };
    for (const item of storedPolicyItems(stored)) table.seed(item);
  }
}
