// The campaign policy API's payloads, built from the domain's CampaignPolicySchema; policies.ts maps a stored policy
// to them. The OpenAPI document is generated from these (`npm run openapi`).
import * as z from 'zod';
import { CampaignPolicySchema } from '../domain/schemas.ts';
import type { StoredPolicy } from './ports.ts';

/** The body of `PUT /campaigns/{campaignId}`: the policy, its campaignId optional (it must equal the path's). */
export const CampaignPolicyInputSchema = CampaignPolicySchema.partial({ campaignId: true }).meta({
  id: 'CampaignPolicyInput',
  description:
    'A campaign policy to create or replace; `campaignId` may be left out and must equal the path’s when given.',
});

const VersionSchema = z
  .int()
  .min(1)
  .meta({ description: 'Per campaign, 1, 2, …; the `ETag` is `"<version>"`.' });
const UpdatedAtSchema = z.iso.datetime().meta({ description: 'When this version was written.' });

export const CampaignSchema = CampaignPolicySchema.extend({
  version: VersionSchema,
  updatedAt: UpdatedAtSchema,
}).meta({ id: 'Campaign', description: 'A campaign’s current policy with its version.' });
export type CampaignView = z.infer<typeof CampaignSchema>;

export const CampaignListSchema = z
  .strictObject({ items: z.array(CampaignSchema), nextCursor: z.string().optional() })
  .meta({
    id: 'CampaignList',
    description: 'Campaigns by campaignId; `nextCursor` is absent on the last page.',
  });
export type CampaignList = z.infer<typeof CampaignListSchema>;

export const CampaignPolicyVersionSchema = z
  .strictObject({ version: VersionSchema, updatedAt: UpdatedAtSchema, policy: CampaignPolicySchema })
  .meta({ id: 'CampaignPolicyVersion', description: 'One version of a campaign’s policy.' });
export type CampaignPolicyVersion = z.infer<typeof CampaignPolicyVersionSchema>;

export const CampaignPolicyVersionListSchema = z
  .strictObject({ items: z.array(CampaignPolicyVersionSchema), nextCursor: z.string().optional() })
  .meta({
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
