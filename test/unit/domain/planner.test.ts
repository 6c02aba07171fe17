import { describe, expect, it } from 'vitest';
import { planActiveAgents, toSkillAssignments } from '../../../lib/domain/planner.ts';
import type { Agent, Submission } from '../../../lib/domain/schemas.ts';
import { agent, MORNING, POLICY, policyWith } from '../../support/fixtures.ts';

const submission = (agents: Agent[], callRateTarget?: number): Submission =>
  callRateTarget === undefined ? { agents } : { agents, callRateTarget };

const reasons = (plans: { userId: string; reason: string }[]) =>
  Object.fromEntries(plans.map((plan) => [plan.userId, plan.reason]));

describe('planActiveAgents', () => {
  it('activates an agent inside calling hours and its window with enough capacity', () => {
    const [plan] = planActiveAgents(POLICY, submission([agent('a', { recentCallRate: 1.7 })]), MORNING);
    expect(plan).toEqual({
      userId: 'a',
      active: true,
      reason: 'active',
      overlapMinutes: 480,
      capacityScore: 0.8,
      proficiency: 1,
    });
  });

  it('marks everybody outside_calling_hours outside the campaign’s calling hours', () => {
    const night = new Date('2026-03-10T03:00:00Z'); // 23:00 in New York
    const nightOwl = agent('owl', {
      availabilityWindow: { start: '22:00', end: '06:00', timezone: 'America/New_York' },
    });
    const plans = planActiveAgents(POLICY, submission([agent('a'), nightOwl]), night);
    expect(plans.map((plan) => [plan.userId, plan.active, plan.reason])).toEqual([
      ['a', false, 'outside_calling_hours'],
      ['owl', false, 'outside_calling_hours'],
    ]);
  });

  it('marks an agent outside_agent_window when now is outside its own window, in its own zone', () => {
    const la = agent('la', {
      availabilityWindow: { start: '09:00', end: '17:00', timezone: 'America/Los_Angeles' },
    });
    // 11:00 in New York is 08:00 in Los Angeles.
    expect(reasons(planActiveAgents(POLICY, submission([agent('ny'), la]), MORNING))).toEqual({
      la: 'outside_agent_window',
      ny: 'active',
    });
  });

  it('marks an agent under_capacity_threshold when its score is below the threshold', () => {
    // target 8.5: rate 6 → 0.294 < 0.3; rate 5.95 → 0.3 exactly, still active.
    const plans = planActiveAgents(
      POLICY,
      submission([agent('busy', { recentCallRate: 6 }), agent('edge', { recentCallRate: 5.95 })]),
      MORNING,
    );
    expect(reasons(plans)).toEqual({ busy: 'under_capacity_threshold', edge: 'active' });
    expect(plans[0]).toMatchObject({ proficiency: 4 });
  });

  it('uses the submission’s callRateTarget over the policy’s', () => {
    const busy = agent('busy', { recentCallRate: 6 });
    const [plan] = planActiveAgents(POLICY, submission([busy], 12), MORNING);
    expect(plan).toMatchObject({ active: true, capacityScore: 0.5, proficiency: 3 });
  });

  it('keeps the best maxAgents scores, ties broken by userId, the rest over_max_agents', () => {
    const policy = policyWith({ maxAgents: 2 });
    const agents = [
      agent('d', { recentCallRate: 1 }),
      agent('c', { recentCallRate: 0 }),
      agent('b', { recentCallRate: 1 }),
      agent('a', { recentCallRate: 2 }),
    ];
    expect(reasons(planActiveAgents(policy, submission(agents), MORNING))).toEqual({
      a: 'over_max_agents',
      b: 'active',
      c: 'active',
      d: 'over_max_agents',
    });
  });

  it('does not count inactive agents towards maxAgents', () => {
    const policy = policyWith({ maxAgents: 1 });
    const agents = [agent('a', { recentCallRate: 8 }), agent('b', { recentCallRate: 3 })];
    expect(reasons(planActiveAgents(policy, submission(agents), MORNING))).toEqual({
      a: 'under_capacity_threshold',
      b: 'active',
    });
  });

  it('returns plans sorted by userId whatever the input order', () => {
    const agents = [agent('m'), agent('B'), agent('a'), agent('z')];
    const plans = planActiveAgents(POLICY, submission(agents), MORNING);
    expect(plans.map((plan) => plan.userId)).toEqual(['B', 'a', 'm', 'z']);
    expect(planActiveAgents(POLICY, submission([...agents].reverse()), MORNING)).toEqual(plans);
  });

  it('is DST-aware: on the fall-back night a 01:00–02:00 window is open during both 01:xx hours', () => {
    const policy = policyWith({ callingHours: { start: '00:00', end: '05:00' } });
    const window = { start: '01:00', end: '02:00', timezone: 'America/New_York' };
    const plan = (instant: string) =>
      planActiveAgents(
        policy,
        submission([agent('a', { availabilityWindow: window })]),
        new Date(instant),
      )[0];
    expect(plan('2026-11-01T05:30:00Z')).toMatchObject({ active: true, overlapMinutes: 120 });
    expect(plan('2026-11-01T06:30:00Z')).toMatchObject({ active: true });
    expect(plan('2026-11-01T07:00:00Z')).toMatchObject({ active: false, reason: 'outside_agent_window' });
  });
});

describe('planActiveAgents under a policy the desired state breaks (changed with force)', () => {
  const desired = submission([
    agent('chicago', {
      availabilityWindow: { start: '09:00', end: '17:00', timezone: 'America/Chicago' },
    }),
    agent('two-calls', { maxConcurrentCalls: 2 }),
    agent('fine'),
  ]);

  it('plans each offending agent inactive with reason policy_violation and the others as before', () => {
    const policy = policyWith({ allowedAgentTimezones: ['America/New_York'], maxConcurrentCallsPerAgent: 1 });
    expect(reasons(planActiveAgents(policy, desired, MORNING))).toEqual({
      chicago: 'policy_violation',
      fine: 'active',
      'two-calls': 'policy_violation',
    });
  });

  it('applies every per-agent rule: required skills and the window overlap too', () => {
    const skills = policyWith({ requiredSkills: ['preview-qualified', 'spanish'] });
    expect(planActiveAgents(skills, desired, MORNING).every((p) => p.reason === 'policy_violation')).toBe(
      true,
    );
    const overlap = policyWith({ minWindowOverlapMinutes: 481 }); // 09:00–17:00 overlaps by 480 min
    expect(reasons(planActiveAgents(overlap, desired, MORNING))).toMatchObject({ fine: 'policy_violation' });
  });

  it('leaves a count over maxAgents to the ranking (over_max_agents), not to policy_violation', () => {
    const plans = planActiveAgents(policyWith({ maxAgents: 1 }), desired, MORNING);
    expect(plans.filter((p) => p.active)).toHaveLength(1);
    expect(plans.filter((p) => p.reason === 'policy_violation')).toEqual([]);
  });

  it('still reports outside_calling_hours first, when the campaign is closed', () => {
    const night = new Date('2026-03-10T03:00:00Z');
    const policy = policyWith({ allowedAgentTimezones: ['America/New_York'] });
    expect(reasons(planActiveAgents(policy, desired, night)).chicago).toBe('outside_calling_hours');
  });
});

describe('toSkillAssignments', () => {
  it('assigns every planned agent, active or not, sorted by userId', () => {
    const plans = planActiveAgents(
      policyWith({ maxAgents: 1 }),
      submission([agent('b'), agent('a', { recentCallRate: 4.25 })]),
      MORNING,
    );
    expect(toSkillAssignments(plans)).toEqual([
      { userId: 'a', isActive: false, proficiency: 3 },
      { userId: 'b', isActive: true, proficiency: 1 },
    ]);
  });
});
