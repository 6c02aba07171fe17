// The application's words, each defined once as a zod enum; the TypeScript types are inferred from them. The WFM
// event types are built from them in lib/wfm/cloudevents.ts.
import * as z from '../domain/zod.ts';

/** Where an assignment is: `queued` and `dispatching` while it is being applied, any other status is final. */
const FINAL_STATUSES = ['applied', 'partially_applied', 'rejected', 'failed', 'superseded'] as const;

export const AssignmentStatusSchema = z
  .enum(['queued', 'dispatching', ...FINAL_STATUSES])
  .register(z.globalRegistry, {
    id: 'AssignmentStatus',
  });
export type AssignmentStatus = z.infer<typeof AssignmentStatusSchema>;

/** The statuses an assignment ends in; each is written once and produces the assignment's WFM events. */
export const FinalStatusSchema = z.enum(FINAL_STATUSES);
export type FinalStatus = z.infer<typeof FinalStatusSchema>;

export function isFinalStatus(status: AssignmentStatus): status is FinalStatus {
  return FinalStatusSchema.safeParse(status).success;
}

/**
 * What made an assignment: a `submission` of the API, a scheduled `rebalance`, a `repair` of drift found on CXone,
 * a `policy_change` of the campaign (its desired state re-planned under the new policy).
 */
export const AssignmentKindSchema = z
  .enum(['submission', 'rebalance', 'repair', 'policy_change'])
  .register(z.globalRegistry, {
    id: 'AssignmentKind',
  });
export type AssignmentKind = z.infer<typeof AssignmentKindSchema>;

/** How an agent on the campaign's skill changed (`updated`: proficiency only). */
export const AgentChangeSchema = z.enum(['activated', 'deactivated', 'added', 'removed', 'updated']);
export type AgentChange = z.infer<typeof AgentChangeSchema>;

/**
 * What happened to a campaign as a whole: an applied rebalance, agents dropped by load balancing (both made by an
 * assignment), its policy created, replaced or deleted through the API, its CXone skill found to differ from the plan
 * (drift).
 */
export const CampaignChangeSchema = z.enum([
  'rebalanced',
  'agents_dropped',
  'policy_changed',
  'drift_detected',
]);
export type CampaignChange = z.infer<typeof CampaignChangeSchema>;
/** The campaign changes an assignment makes. */
export type AssignmentCampaignChange = Exclude<CampaignChange, 'policy_changed' | 'drift_detected'>;
