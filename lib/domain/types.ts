// The types the planner, differ, validation and CXone client exchange. Those with a zod schema in schemas.ts are
// inferred from it, as are the payload types there (Agent, Submission, CampaignPolicy).

import type {
  AgentPlanSchema,
  SkillAssignmentSchema,
  SkillMemberSchema,
  ValidationIssueSchema,
} from './schemas.ts';
import type * as z from './zod.ts';

/** What one agent should look like on the campaign's CXone skill; proficiency is 1 (best) … 5. */
export type SkillAssignment = z.infer<typeof SkillAssignmentSchema>;

/**
 * One member of a CXone skill as read (proficiency 1 … 20). The same shape as SkillAssignment, so every function over
 * assignments takes both; the schemas differ only in the range they accept.
 */
export type SkillMember = z.infer<typeof SkillMemberSchema>;

/**
 * The planner's decision for one agent at one instant. `overlapMinutes`: the DST-aware overlap of the agent's window
 * with the campaign's calling hours on the campaign's date.
 */
export type AgentPlan = z.infer<typeof AgentPlanSchema>;

/** One validation error, e.g. at path `agents[0].availabilityWindow.timezone`. */
export type ValidationIssue = z.infer<typeof ValidationIssueSchema>;

/** Minimal set of changes converging CXone's `current` to `desired`. */
export interface SkillDiff {
  add: SkillAssignment[];
  update: SkillAssignment[];
  /** userIds to remove from the skill. */
  remove: string[];
}
