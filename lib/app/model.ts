// What the application stores: an assignment (one desired state on its way to CXone) and a campaign's state. These
// schemas are the application's own; the API's views in api-schemas.ts are built from them (queries.ts maps).
import { SkillMemberSchema, SubmissionSchema } from '../domain/schemas.ts';
import * as z from '../domain/zod.ts';
import { WfmEventSchema } from '../wfm/cloudevents.ts';
import { AssignmentKindSchema, AssignmentStatusSchema } from './vocabulary.ts';

export const AssignmentResultSchema = z.strictObject({
  active: z.array(z.string()),
  inactive: z.array(z.string()),
  added: z.array(z.string()),
  updated: z.array(z.string()),
  removed: z.array(z.string()),
  dropped: z.array(z.string()).register(z.globalRegistry, {
    description: 'Deactivated by load balancing after a capacity conflict.',
  }),
  failedAgents: z
    .array(z.strictObject({ userId: z.string(), reason: z.string() }))
    .register(z.globalRegistry, {
      description:
        'Agents CXone still differs for after the writes, with CXone’s own reason when it gave one.',
    }),
  hiddenAgents: z.optional(z.int().check(z.minimum(0))).register(z.globalRegistry, {
    description:
      'Members of the skill CXone did not show the access key (its `hiddenAgents`; absent means 0). Under exclusive ' +
      'membership any makes the assignment partially_applied: the skill cannot be checked to hold only the ' +
      'desired agents.',
  }),
  cxoneReads: z.int().check(z.minimum(0)),
  cxoneWrites: z.int().check(z.minimum(0)),
  verified: z.boolean(),
});
export type AssignmentResult = z.infer<typeof AssignmentResultSchema>;

export const AssignmentLatencySchema = z.strictObject({
  queueWaitMs: z.number().check(z.minimum(0)),
  cxoneMs: z.number().check(z.minimum(0)),
  totalMs: z.number().check(z.minimum(0)),
});
export type AssignmentLatency = z.infer<typeof AssignmentLatencySchema>;

export const AssignmentRecordSchema = z.strictObject({
  assignmentId: z.string(),
  campaignId: z.string(),
  kind: AssignmentKindSchema,
  status: AssignmentStatusSchema,
  submittedAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  agentsRequested: z.int().check(z.minimum(1)),
  desired: SubmissionSchema,
  /** The campaign policy version the dispatch must plan with at least (set on a `policy_change`). */
  policyVersion: z.optional(z.int().check(z.minimum(1))),
  /** When the dispatch message was sent; absent while the submission is still in flight. */
  enqueuedAt: z.optional(z.iso.datetime()),
  result: z.optional(AssignmentResultSchema),
  latencyMs: z.optional(z.number().check(z.minimum(0))).register(z.globalRegistry, {
    description: 'Accepted → final status.',
  }),
  latency: z.optional(AssignmentLatencySchema),
  error: z.optional(z.string()),
  /** WFM events decided with the final status, kept until they are on the WFM queue (at-least-once). */
  pendingEvents: z.optional(z.array(WfmEventSchema)),
});
export type AssignmentRecord = z.infer<typeof AssignmentRecordSchema>;

export const AppliedStateSchema = z.strictObject({
  assignmentId: z.string(),
  assignments: z.array(SkillMemberSchema).register(z.globalRegistry, {
    description: 'The campaign’s own agents on the skill as CXone reported them after the writes.',
  }),
  /**
   * Members that are not the campaign's, as the same read found them (see CampaignAgentsView.foreignAgents); absent
   * means none.
   */
  foreignAgents: z.optional(z.array(SkillMemberSchema)),
  hiddenAgents: AssignmentResultSchema.shape.hiddenAgents,
  appliedAt: z.iso.datetime(),
});
export type AppliedState = z.infer<typeof AppliedStateSchema>;

export const CampaignStateSchema = z.strictObject({
  campaignId: z.string(),
  latestAssignmentId: z.string(),
  desired: SubmissionSchema,
  submittedAt: z.iso.datetime(),
  lastApplied: z.optional(AppliedStateSchema),
  /**
   * userIds the campaign manages: every agent of its desired states that has been dispatched, until CXone is known to
   * no longer have it on the skill. Recorded before the CXone writes, so an interrupted dispatch cannot lose one.
   */
  managedAgents: z.optional(z.array(z.string())),
  /** The last scheduled drift check: when, of which skill, and whether CXone matched with no member hidden. */
  lastDriftCheck: z.optional(
    z.strictObject({ checkedAt: z.iso.datetime(), skillId: z.int(), inSync: z.boolean() }),
  ),
});
export type CampaignState = z.infer<typeof CampaignStateSchema>;
export type DriftCheckRecord = NonNullable<CampaignState['lastDriftCheck']>;
