import * as z from 'zod';
import { AgentPlanSchema, SubmissionSchema } from '../domain/schemas.ts';

// Response payloads of the public API (DESIGN.md §3). The OpenAPI document is generated from these and from the
// request schemas in lib/domain/schemas.ts (`npm run openapi`).

export const AssignmentStatusSchema = z
  .enum(['queued', 'dispatching', 'applied', 'partially_applied', 'rejected', 'failed', 'superseded'])
  .meta({ id: 'AssignmentStatus' });

export const AcceptedSchema = z
  .strictObject({
    assignmentId: z.string(),
    campaignId: z.string(),
    status: z.literal('queued'),
    agents: z.int().min(1),
  })
  .meta({ id: 'Accepted', description: 'The desired state is stored and queued for CXone.' });

export const PlanResponseSchema = z
  .strictObject({
    campaignId: z.string(),
    evaluatedAt: z.iso.datetime(),
    agents: z.array(AgentPlanSchema),
  })
  .meta({
    id: 'Plan',
    description: 'Dry run: what applying this desired state now would do; nothing is stored.',
  });

export const AssignmentResultSchema = z
  .strictObject({
    active: z.array(z.string()),
    inactive: z.array(z.string()),
    added: z.array(z.string()),
    updated: z.array(z.string()),
    removed: z.array(z.string()),
    dropped: z
      .array(z.string())
      .meta({ description: 'Deactivated by load balancing after a capacity conflict.' }),
    failedAgents: z.array(z.strictObject({ userId: z.string(), reason: z.string() })),
    cxoneReads: z.int().min(0),
    cxoneWrites: z.int().min(0),
    verified: z.boolean(),
  })
  .meta({ id: 'AssignmentResult' });

export const AssignmentLatencySchema = z
  .strictObject({ queueWaitMs: z.number().min(0), cxoneMs: z.number().min(0), totalMs: z.number().min(0) })
  .meta({ id: 'AssignmentLatency' });

export const AssignmentViewSchema = z
  .strictObject({
    assignmentId: z.string(),
    campaignId: z.string(),
    kind: z.enum(['submission', 'rebalance']),
    status: AssignmentStatusSchema,
    submittedAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    agentsRequested: z.int().min(1),
    result: AssignmentResultSchema.optional(),
    latencyMs: z.number().min(0).optional().meta({ description: 'Accepted → final status.' }),
    latency: AssignmentLatencySchema.optional(),
    error: z.string().optional(),
  })
  .meta({ id: 'Assignment' });

export const SkillAssignmentSchema = z
  .strictObject({ userId: z.string(), isActive: z.boolean(), proficiency: z.int().min(1).max(5) })
  .meta({ id: 'SkillAssignment', description: 'One agent on the campaign’s CXone skill.' });

export const CampaignAgentsViewSchema = z
  .strictObject({
    campaignId: z.string(),
    desired: SubmissionSchema,
    submittedAt: z.iso.datetime(),
    latestAssignment: z.strictObject({
      assignmentId: z.string(),
      status: AssignmentStatusSchema.optional(),
      updatedAt: z.iso.datetime().optional(),
    }),
    lastApplied: z
      .strictObject({
        assignmentId: z.string(),
        assignments: z.array(SkillAssignmentSchema),
        appliedAt: z.iso.datetime(),
      })
      .optional(),
  })
  .meta({ id: 'CampaignAgents', description: 'The desired state and what was last applied to CXone.' });

export const HealthSchema = z
  .strictObject({
    status: z.enum(['ok', 'unavailable']),
    checks: z.record(z.string(), z.enum(['ok', 'unavailable'])).optional(),
  })
  .meta({ id: 'Health' });

export type AssignmentView = z.infer<typeof AssignmentViewSchema>;
export type CampaignAgentsView = z.infer<typeof CampaignAgentsViewSchema>;
