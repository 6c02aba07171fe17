import { AgentPlanSchema, SkillMemberSchema } from '../domain/schemas.ts';
import { MembershipModeSchema } from '../domain/vocabulary.ts';
import * as z from '../domain/zod.ts';
import {
  AssignmentLatencySchema,
  AssignmentRecordSchema,
  AssignmentResultSchema,
  CampaignStateSchema,
} from './model.ts';

// Response payloads of the public API, built from the stored records' schemas (model.ts); queries.ts maps a record
// to its view. The OpenAPI document is generated from these and from the request schemas in lib/domain/schemas.ts
// (`npm run openapi`).

const record = AssignmentRecordSchema.shape;

export const AcceptedSchema = z
  .strictObject({
    assignmentId: record.assignmentId,
    campaignId: record.campaignId,
    status: z.literal('queued'),
    agents: record.agentsRequested,
  })
  .register(z.globalRegistry, {
    id: 'Accepted',
    description: 'The desired state is stored and queued for CXone.',
  });
export type Accepted = z.infer<typeof AcceptedSchema>;

export const PlanResponseSchema = z
  .strictObject({
    campaignId: z.string(),
    evaluatedAt: z.iso.datetime(),
    agents: z.array(AgentPlanSchema),
  })
  .register(z.globalRegistry, {
    id: 'Plan',
    description: 'Dry run: what applying this desired state now would do; nothing is stored.',
  });
export type PlanResponse = z.infer<typeof PlanResponseSchema>;

/** The public view of an assignment: no internal bookkeeping such as pending events. */
export const AssignmentViewSchema = z
  .strictObject({
    assignmentId: record.assignmentId,
    campaignId: record.campaignId,
    kind: record.kind,
    status: record.status,
    submittedAt: record.submittedAt,
    updatedAt: record.updatedAt,
    agentsRequested: record.agentsRequested,
    result: z.optional(z.withMeta(AssignmentResultSchema, { id: 'AssignmentResult' })),
    latencyMs: record.latencyMs,
    latency: z.optional(z.withMeta(AssignmentLatencySchema, { id: 'AssignmentLatency' })),
    error: record.error,
  })
  .register(z.globalRegistry, { id: 'Assignment' });
export type AssignmentView = z.infer<typeof AssignmentViewSchema>;

const campaign = CampaignStateSchema.shape;

export const CampaignAgentsViewSchema = z
  .strictObject({
    campaignId: campaign.campaignId,
    membership: z.withMeta(MembershipModeSchema, {
      description: 'The campaign policy’s membership: who owns the members of its CXone skill.',
    }),
    desired: campaign.desired,
    submittedAt: campaign.submittedAt,
    /** Status and updatedAt are missing while the latest assignment's record is not readable yet. */
    latestAssignment: z.strictObject({
      assignmentId: record.assignmentId,
      status: z.optional(record.status),
      updatedAt: z.optional(record.updatedAt),
    }),
    lastApplied: campaign.lastApplied,
    foreignAgents: z.array(SkillMemberSchema).register(z.globalRegistry, {
      description:
        'Members of the campaign’s CXone skill that are not the campaign’s (neither in its desired states nor put ' +
        'there by the service), as the last converge read them — not a live read of CXone. Under managed ' +
        'membership the service leaves them as they are; under exclusive membership it removes them, so any listed ' +
        'here are ones CXone did not remove. Empty before the first converge.',
    }),
  })
  .register(z.globalRegistry, {
    id: 'CampaignAgents',
    description:
      'The desired state, what was last applied to CXone, and the members of the skill the campaign does not own.',
  });
export type CampaignAgentsView = z.infer<typeof CampaignAgentsViewSchema>;

const HealthStateSchema = z.enum(['ok', 'unavailable']);
export type HealthState = z.infer<typeof HealthStateSchema>;

export const HealthSchema = z
  .strictObject({
    status: HealthStateSchema,
    checks: z.optional(z.record(z.string(), HealthStateSchema)),
  })
  .register(z.globalRegistry, { id: 'Health' });
export type Health = z.infer<typeof HealthSchema>;
