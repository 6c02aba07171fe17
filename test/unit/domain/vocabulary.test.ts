import { describe, expect, it } from 'vitest';
import { MembershipModeSchema, PlanReasonSchema } from '../../../lib/domain/vocabulary.ts';

describe('domain vocabulary', () => {
  it('has one plan reason for active and one per rule that makes an agent inactive', () => {
    expect(PlanReasonSchema.options).toEqual([
      'active',
      'outside_agent_window',
      'outside_calling_hours',
      'under_capacity_threshold',
      'over_max_agents',
      'dropped_capacity_conflict',
      'policy_violation',
    ]);
  });

  it('has the two membership modes of a campaign’s skill', () => {
    expect(MembershipModeSchema.options).toEqual(['managed', 'exclusive']);
    expect(MembershipModeSchema.safeParse('shared').success).toBe(false);
  });
});
