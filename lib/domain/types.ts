// Shared domain types. The payload types themselves (Agent, Submission, CampaignPolicy) are inferred from the zod
// schemas in schemas.ts; this file holds the types that the planner, differ, CXone client and handlers exchange.

/** What one agent should look like on the campaign's CXone skill. */
export interface SkillAssignment {
  userId: string;
  isActive: boolean;
  /** CXone proficiency, 1 (best) … 5. */
  proficiency: number;
}

export type PlanReason =
  | 'active'
  | 'outside_agent_window'
  | 'outside_calling_hours'
  | 'under_capacity_threshold'
  | 'over_max_agents'
  | 'dropped_capacity_conflict';

/** The planner's decision for one agent at one instant. */
export interface AgentPlan {
  userId: string;
  active: boolean;
  reason: PlanReason;
  /** DST-aware overlap, in minutes, of the agent's window with the campaign's calling hours on the campaign's date. */
  overlapMinutes: number;
  capacityScore: number;
  proficiency: number;
}

/** Minimal set of changes converging CXone's `current` to `desired`. */
export interface SkillDiff {
  add: SkillAssignment[];
  update: SkillAssignment[];
  /** userIds to remove from the skill. */
  remove: string[];
}

export interface FieldError {
  /** e.g. `agents[0].availabilityWindow.timezone` */
  path: string;
  code: string;
  message: string;
}
