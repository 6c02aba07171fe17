// The campaign policy API's payloads, built from the domain's CampaignPolicySchema; policies.ts maps a stored policy
// to them. The OpenAPI document is generated from these (`npm run openapi`).
import { CampaignPolicySchema } from '../domain/schemas.ts';
import * as z from '../domain/zod.ts';
import type { StoredPolicy } from './ports.ts';

/** The body of `PUT /campaigns/{campaignId}`: the policy, its campaignId optional (it must equal the path's). */
export const CampaignPolicyInputSchema = z
  .partial(CampaignPolicySchema, { campaignId: true })
  .register(z.globalRegistry, {
    id: 'CampaignPolicyInput',
    description:
      'A campaign policy to create or replace; `campaignId` may be left out and must equal the path’s when given.',
  });

const VersionSchema = z.int().check(z.minimum(1)).register(z.globalRegistry, {
  description: 'Per campaign, 1, 2, …; the `ETag` is `"<version>"`.',
});
const UpdatedAtSchema = z.iso
  .datetime()
  .register(z.globalRegistry, { description: 'When this version was written.' });

export const CampaignSchema = z
  .extend(CampaignPolicySchema, { version: VersionSchema, updatedAt: UpdatedAtSchema })
  .register(z.globalRegistry, {
    id: 'Campaign',
    description: 'A campaign’s current policy with its version.',
  });
export type CampaignView = z.infer<typeof CampaignSchema>;

export const CampaignListSchema = z
  .strictObject({ items: z.array(CampaignSchema), nextCursor: z.optional(z.string()) })
  .register(z.globalRegistry, {
    id: 'CampaignList',
    description: 'Campaigns by campaignId; `nextCursor` is absent on the last page.',
  });
export type CampaignList = z.infer<typeof CampaignListSchema>;

export const CampaignPolicyVersionSchema = z
  .strictObject({ version: VersionSchema, updatedAt: UpdatedAtSchema, policy: CampaignPolicySchema })
  .register(z.globalRegistry, {
    id: 'CampaignPolicyVersion',
    description: 'One version of a campaign’s policy.',
  });
export type CampaignPolicyVersion = z.infer<typeof CampaignPolicyVersionSchema>;

export const CampaignPolicyVersionListSchema = z
  .strictObject({ items: z.array(CampaignPolicyVersionSchema), nextCursor: z.optional(z.string()) })
  .register(z.globalRegistry, {
    id: 'CampaignPolicyVersionList',
    description: 'Versions newest first; `nextCursor` is absent on the last page.',
  });
export type CampaignPolicyVersionList = z.infer<typeof CampaignPolicyVersionListSchema>;

export function campaignView(stored: StoredPolicy): CampaignView {
  return { ...stored.policy, version: stored.version, updatedAt: stored.updatedAt };
}

export function policyVersionView(stored: StoredPolicy): CampaignPolicyVersion {
  return { version: stored.version, updatedAt: stored.updatedAt, policy: stored.policy };
}
