// The domain's words, each defined once as a zod enum; the TypeScript types are inferred from them.
import * as z from './zod.ts';

/**
 * Why the planner made an agent active now or not (the first rule that applies; see planner.ts).
 * `policy_violation`: the agent breaks a rule of the campaign's current policy (a policy changed with `force`).
 */
export const PlanReasonSchema = z
  .enum([
    'active',
    'outside_agent_window',
    'outside_calling_hours',
    'under_capacity_threshold',
    'over_max_agents',
    'dropped_capacity_conflict',
    'policy_violation',
  ])
  .register(z.globalRegistry, { id: 'PlanReason', description: 'Why an agent is active now or not.' });
export type PlanReason = z.infer<typeof PlanReasonSchema>;

/**
 * Who owns the members of a campaign's CXone skill. `managed` (the default): the service adds, updates and removes
 * only the agents it manages (those of the campaign's desired states) and leaves anyone else on the skill alone.
 * `exclusive`: the skill holds exactly the desired set; anyone else is removed.
 */
export const MembershipModeSchema = z.enum(['managed', 'exclusive']);
export type MembershipMode = z.infer<typeof MembershipModeSchema>;

/**
 * What the service does when CXone differs from the plan for now (a hand edit, another tool): `repair` (the
 * default) reports the drift and converges again; `report` only reports it.
 */
export const OnDriftSchema = z.enum(['repair', 'report']);
export type OnDrift = z.infer<typeof OnDriftSchema>;
