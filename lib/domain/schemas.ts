// The single definition of the service's payloads. The OpenAPI document is generated from these with
// `z.toJSONSchema`, so they stay JSON-schema-representable: no transforms; refinements only add checks that JSON
// Schema cannot express (unique items, `start ≠ end`, tz database membership), mirrored in metadata where possible.
// Every object is strict: unknown keys are rejected.

import { isValidTimeZone } from './time-window.ts';
import { MembershipModeSchema, OnDriftSchema, PlanReasonSchema } from './vocabulary.ts';
import * as z from './zod.ts';

/** Codes of the refinements below (zod reports them as `custom` issues carrying `params.code`). */
export const SchemaErrorCode = {
  invalidTimezone: 'invalid_timezone',
  emptyWindow: 'empty_window',
  duplicateItem: 'duplicate_item',
  duplicateCampaignId: 'duplicate_campaign_id',
  duplicateSkillId: 'duplicate_skill_id',
} as const;

const ID_PATTERN = /^[A-Za-z0-9._:@-]{1,128}$/;

export const TimeOfDaySchema = z
  .string()
  .check(
    z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, {
      message: 'must be a 24-hour time HH:mm between 00:00 and 23:59',
    }),
  )
  .register(z.globalRegistry, {
    id: 'TimeOfDay',
    description: '24-hour local time `HH:mm`, 00:00–23:59.',
    examples: ['09:00', '17:30'],
  });

export const TimeZoneSchema = z
  .string()
  .check(
    z.maxLength(64),
    z.refine(isValidTimeZone, {
      message: 'must be a valid IANA time zone such as America/New_York',
      params: { code: SchemaErrorCode.invalidTimezone },
    }),
  )
  .register(z.globalRegistry, {
    id: 'TimeZone',
    description: 'An IANA time zone name known to the tz database (canonical or link), case-sensitive.',
    examples: ['America/New_York', 'Europe/London', 'UTC'],
  });

/** Reports every repeated item at its own index (`skills[2]`). */
function uniqueItems<T>(message: string, code: string = SchemaErrorCode.duplicateItem) {
  return (items: T[], ctx: z.core.$RefinementCtx<T[]>) => {
    const seen = new Set<T>();
    items.forEach((item, index) => {
      if (seen.has(item)) ctx.addIssue({ code: 'custom', path: [index], message, params: { code } });
      seen.add(item);
    });
  };
}

function startDiffersFromEnd(range: { start: string; end: string }, ctx: z.core.$RefinementCtx) {
  if (range.start === range.end) {
    ctx.addIssue({
      code: 'custom',
      path: ['end'],
      message: 'end must differ from start (an end before start means an overnight window)',
      params: { code: SchemaErrorCode.emptyWindow },
    });
  }
}

export const TimeRangeSchema = z
  .strictObject({ start: TimeOfDaySchema, end: TimeOfDaySchema })
  .check(z.superRefine(startDiffersFromEnd))
  .register(z.globalRegistry, {
    id: 'TimeRange',
    description:
      'Daily local time range; `end` before `start` ends the next day (overnight); `start == end` is invalid.',
    examples: [{ start: '08:00', end: '21:00' }],
  });

export const AvailabilityWindowSchema = z
  .strictObject({ start: TimeOfDaySchema, end: TimeOfDaySchema, timezone: TimeZoneSchema })
  .check(z.superRefine(startDiffersFromEnd))
  .register(z.globalRegistry, {
    id: 'AvailabilityWindow',
    description:
      "The agent's daily availability, local to `timezone`; `end` before `start` ends the next day (overnight); " +
      '`start == end` is invalid.',
    examples: [{ start: '09:00', end: '17:00', timezone: 'America/New_York' }],
  });

export const IdSchema = z
  .string()
  .check(z.regex(ID_PATTERN, { message: 'must be 1–128 characters of A-Z a-z 0-9 . _ : @ -' }))
  .register(z.globalRegistry, {
    id: 'Id',
    description: 'Identifier: 1–128 characters of `A-Z a-z 0-9 . _ : @ -`.',
  });

export const SkillNameSchema = z.string().check(z.minLength(1), z.maxLength(128)).register(z.globalRegistry, {
  description: 'A skill tag of the agent.',
});

export const AgentSchema = z
  .strictObject({
    userId: IdSchema,
    skills: z
      .array(SkillNameSchema)
      .check(z.minLength(1), z.superRefine(uniqueItems<string>('skills must be unique')))
      .register(z.globalRegistry, {
        uniqueItems: true,
        description: 'Non-empty, unique; must contain every required skill.',
      }),
    availabilityWindow: AvailabilityWindowSchema,
    maxConcurrentCalls: z.int().check(z.minimum(1)).register(z.globalRegistry, {
      description: 'At most the campaign’s maxConcurrentCallsPerAgent.',
    }),
    recentCallRate: z.optional(z.number().check(z.minimum(0))).register(z.globalRegistry, {
      description: 'Recent calls per hour; drives the capacity score. Missing means 0.',
    }),
  })
  .register(z.globalRegistry, {
    id: 'Agent',
    description: 'One agent of the desired agent set.',
    examples: [
      {
        userId: 'agent-uuid-001',
        skills: ['sales', 'preview-qualified'],
        availabilityWindow: { start: '09:00', end: '17:00', timezone: 'America/New_York' },
        maxConcurrentCalls: 1,
        recentCallRate: 4.2,
      },
    ],
  });

export const SubmissionSchema = z
  .strictObject({
    campaignId: z.optional(IdSchema).register(z.globalRegistry, {
      description: 'Optional; must equal the campaignId of the path.',
    }),
    agents: z.array(AgentSchema).check(z.minLength(1)).register(z.globalRegistry, {
      description: 'The whole desired agent set (PUT semantics).',
    }),
    callRateTarget: z.optional(z.number().check(z.positive())).register(z.globalRegistry, {
      description: 'Calls per hour the capacity score aims at; defaults to the campaign policy’s.',
    }),
  })
  .register(z.globalRegistry, {
    id: 'Submission',
    description: 'The desired agent set of one campaign.',
    examples: [
      {
        agents: [
          {
            userId: 'agent-uuid-001',
            skills: ['sales', 'preview-qualified'],
            availabilityWindow: { start: '09:00', end: '17:00', timezone: 'America/New_York' },
            maxConcurrentCalls: 1,
            recentCallRate: 4.2,
          },
        ],
        callRateTarget: 8.5,
      },
    ],
  });

export const CampaignPolicySchema = z
  .strictObject({
    campaignId: IdSchema,
    cxoneSkillId: z.int().check(z.positive()).register(z.globalRegistry, {
      description: 'The CXone outbound (Personal Connection) skill id.',
    }),
    timezone: TimeZoneSchema,
    callingHours: TimeRangeSchema,
    allowedAgentTimezones: z
      .array(TimeZoneSchema)
      .check(z.minLength(1), z.superRefine(uniqueItems<string>('time zones must be unique')))
      .register(z.globalRegistry, { uniqueItems: true }),
    minWindowOverlapMinutes: z.int().check(z.minimum(0), z.maximum(1440)),
    maxAgents: z.int().check(z.minimum(1)),
    maxConcurrentCallsPerAgent: z.int().check(z.minimum(1)),
    requiredSkills: z
      .array(SkillNameSchema)
      .check(z.superRefine(uniqueItems<string>('required skills must be unique')))
      .register(z.globalRegistry, { uniqueItems: true }),
    callRateTarget: z.number().check(z.positive()),
    capacityThreshold: z.number().check(z.minimum(0), z.maximum(1)),
    membership: z.optional(MembershipModeSchema).register(z.globalRegistry, {
      description:
        'Who owns the members of the skill; `managed` when absent. `managed`: the service adds, updates and removes ' +
        'only the agents of this campaign’s desired states and leaves every other member alone. `exclusive`: the ' +
        'skill holds exactly the desired set; anyone else is removed.',
    }),
    driftCheckMinutes: z.optional(z.int().check(z.minimum(1), z.maximum(1440))).register(z.globalRegistry, {
      description: 'How often CXone is read and compared with the plan for now; 15 when absent.',
    }),
    onDrift: z.optional(OnDriftSchema).register(z.globalRegistry, {
      description:
        'When CXone differs from the plan: `repair` (when absent) reports the drift and converges again; `report` ' +
        'only reports it (a `campaign.drift_detected` event).',
    }),
  })
  .register(z.globalRegistry, {
    id: 'CampaignPolicy',
    description: 'Routing constraints of one campaign.',
    examples: [
      {
        campaignId: '12345678-1234-1234-1234-123456789012',
        cxoneSkillId: 4501234,
        timezone: 'America/New_York',
        callingHours: { start: '08:00', end: '21:00' },
        allowedAgentTimezones: ['America/New_York', 'America/Chicago', 'America/Los_Angeles'],
        minWindowOverlapMinutes: 60,
        maxAgents: 50,
        maxConcurrentCallsPerAgent: 2,
        requiredSkills: ['preview-qualified'],
        callRateTarget: 8.5,
        capacityThreshold: 0.3,
        membership: 'managed',
        driftCheckMinutes: 15,
        onDrift: 'repair',
      },
    ],
  });

function uniquePolicyKeys(
  policies: { campaignId: string; cxoneSkillId: number }[],
  ctx: z.core.$RefinementCtx,
) {
  const campaignIds = new Set<string>();
  const skillIds = new Set<number>();
  policies.forEach((policy, index) => {
    if (campaignIds.has(policy.campaignId)) {
      ctx.addIssue({
        code: 'custom',
        path: [index, 'campaignId'],
        message: `campaignId ${policy.campaignId} appears more than once`,
        params: { code: SchemaErrorCode.duplicateCampaignId },
      });
    }
    if (skillIds.has(policy.cxoneSkillId)) {
      ctx.addIssue({
        code: 'custom',
        path: [index, 'cxoneSkillId'],
        message: `cxoneSkillId ${policy.cxoneSkillId} appears more than once`,
        params: { code: SchemaErrorCode.duplicateSkillId },
      });
    }
    campaignIds.add(policy.campaignId);
    skillIds.add(policy.cxoneSkillId);
  });
}

export const CampaignPoliciesSchema = z
  .array(CampaignPolicySchema)
  .check(z.superRefine(uniquePolicyKeys))
  .register(z.globalRegistry, {
    id: 'CampaignPolicies',
    description: 'All campaign policies; campaignId and cxoneSkillId are unique.',
  });

/** One validation error of a payload: where (`agents[0].availabilityWindow.timezone`), which rule, and why. */
export const ValidationIssueSchema = z.strictObject({
  path: z.string().register(z.globalRegistry, { examples: ['agents[0].availabilityWindow.timezone'] }),
  code: z.string().register(z.globalRegistry, { examples: ['timezone_not_allowed'] }),
  message: z.string(),
});

/** Proficiency the service writes: 1 (best) … 5, from the capacity score. */
export const MAX_PLANNED_PROFICIENCY = 5;
/** Proficiency CXone holds: 1 (best) … 20, as its UI allows; a member set by hand may have any of them. */
export const MAX_CXONE_PROFICIENCY = 20;

export const SkillAssignmentSchema = z
  .strictObject({
    userId: z.string(),
    isActive: z.boolean(),
    proficiency: z.int().check(z.minimum(1), z.maximum(MAX_PLANNED_PROFICIENCY)),
  })
  .register(z.globalRegistry, {
    id: 'SkillAssignment',
    description: 'One agent on the campaign’s CXone skill, as the service plans it.',
  });

export const SkillMemberSchema = z
  .strictObject({
    userId: z.string(),
    isActive: z.boolean(),
    proficiency: z.int().check(z.minimum(1), z.maximum(MAX_CXONE_PROFICIENCY)),
  })
  .register(z.globalRegistry, {
    id: 'SkillMember',
    description:
      'One member of the campaign’s CXone skill as CXone reports it: proficiency 1 (best) … 20, since a member set ' +
      'by hand may hold any value CXone allows (the service itself writes 1 … 5).',
  });

export const AgentPlanSchema = z
  .strictObject({
    userId: z.string(),
    active: z.boolean(),
    reason: PlanReasonSchema,
    overlapMinutes: z.int().check(z.minimum(0)),
    capacityScore: z.number().check(z.minimum(0), z.maximum(1)),
    proficiency: z.int().check(z.minimum(1), z.maximum(5)),
  })
  .register(z.globalRegistry, {
    id: 'AgentPlan',
    description: 'The planner’s decision for one agent (dry run).',
  });

export type AvailabilityWindow = z.infer<typeof AvailabilityWindowSchema>;
export type Agent = z.infer<typeof AgentSchema>;
export type Submission = z.infer<typeof SubmissionSchema>;
export type CampaignPolicy = z.infer<typeof CampaignPolicySchema>;
