import { describe, expect, it } from 'vitest';
import type { Agent } from '../../../lib/domain/schemas.ts';
import {
  agentsViolatingPolicy,
  PolicyErrorCode,
  policyViolations,
  validateSubmission,
} from '../../../lib/domain/validate.ts';
import { agent, CAMPAIGN_ID, MORNING, POLICY, policyWith } from '../../support/fixtures.ts';

function errorsOf(body: unknown, policy = POLICY, now = MORNING, pathCampaignId = CAMPAIGN_ID) {
  const result = validateSubmission(policy, pathCampaignId, body, now);
  return result.ok ? [] : result.errors.map(({ path, code }) => ({ path, code }));
}

function withWindow(userId: string, start: string, end: string, timezone = 'America/New_York'): Agent {
  return agent(userId, { availabilityWindow: { start, end, timezone } });
}

describe('validateSubmission', () => {
  it('accepts the design example and returns the submission', () => {
    const body = {
      agents: [agent('agent-uuid-001', { recentCallRate: 4.2 })],
      callRateTarget: 8.5,
    };
    const result = validateSubmission(POLICY, CAMPAIGN_ID, body, MORNING);
    expect(result).toEqual({ ok: true, submission: body });
  });

  it('accepts a body campaignId equal to the path’s', () => {
    expect(errorsOf({ campaignId: CAMPAIGN_ID, agents: [agent('a')] })).toEqual([]);
  });

  it('rejects a body campaignId different from the path’s', () => {
    expect(errorsOf({ campaignId: 'another-campaign', agents: [agent('a')] })).toEqual([
      { path: 'campaignId', code: PolicyErrorCode.campaignIdMismatch },
    ]);
  });

  it('rejects more agents than maxAgents on the agents array', () => {
    const policy = policyWith({ maxAgents: 2 });
    expect(errorsOf({ agents: [agent('a'), agent('b'), agent('c')] }, policy)).toEqual([
      { path: 'agents', code: 'too_many_agents' },
    ]);
    expect(errorsOf({ agents: [agent('a'), agent('b')] }, policy)).toEqual([]);
  });

  it('rejects an empty agent list', () => {
    expect(errorsOf({ agents: [] })).toEqual([{ path: 'agents', code: 'too_small' }]);
  });

  it('reports a duplicate userId on the duplicate’s path', () => {
    const body = { agents: [agent('a'), agent('b'), agent('c'), agent('a'), agent('a')] };
    expect(errorsOf(body)).toEqual([
      { path: 'agents[3].userId', code: 'duplicate_user_id' },
      { path: 'agents[4].userId', code: 'duplicate_user_id' },
    ]);
    const result = validateSubmission(POLICY, CAMPAIGN_ID, body, MORNING);
    expect(result.ok || result.errors[0]?.message).toContain('agents[0]');
  });

  it('requires every required skill', () => {
    const policy = policyWith({ requiredSkills: ['preview-qualified', 'spanish'] });
    const result = validateSubmission(policy, CAMPAIGN_ID, { agents: [agent('a')] }, MORNING);
    expect(result).toMatchObject({
      ok: false,
      errors: [
        {
          path: 'agents[0].skills',
          code: 'missing_required_skill',
          message: expect.stringContaining('spanish'),
        },
      ],
    });
    expect(errorsOf({ agents: [agent('a', { skills: ['preview-qualified', 'spanish'] })] }, policy)).toEqual(
      [],
    );
  });

  it('caps maxConcurrentCalls at the policy’s maxConcurrentCallsPerAgent', () => {
    expect(errorsOf({ agents: [agent('a', { maxConcurrentCalls: 2 })] })).toEqual([]);
    expect(errorsOf({ agents: [agent('a', { maxConcurrentCalls: 3 })] })).toEqual([
      { path: 'agents[0].maxConcurrentCalls', code: 'max_concurrent_calls_exceeded' },
    ]);
  });

  it('requires the agent time zone to be allowed by the campaign', () => {
    const body = { agents: [withWindow('a', '09:00', '17:00', 'America/Denver')] };
    expect(errorsOf(body)).toEqual([
      { path: 'agents[0].availabilityWindow.timezone', code: 'timezone_not_allowed' },
    ]);
  });

  it('rejects an invalid IANA time zone as a schema error, not as a policy one', () => {
    const body = { agents: [withWindow('a', '09:00', '17:00', 'America/New_Yrok')] };
    expect(errorsOf(body)).toEqual([
      { path: 'agents[0].availabilityWindow.timezone', code: 'invalid_timezone' },
    ]);
  });

  it('requires the window to overlap the calling hours by minWindowOverlapMinutes', () => {
    expect(errorsOf({ agents: [withWindow('a', '07:00', '09:00')] })).toEqual([]); // 60 min
    expect(errorsOf({ agents: [withWindow('a', '07:00', '08:59')] })).toEqual([
      { path: 'agents[0].availabilityWindow', code: 'insufficient_window_overlap' },
    ]);
    expect(errorsOf({ agents: [withWindow('a', '21:00', '07:00')] })).toEqual([
      { path: 'agents[0].availabilityWindow', code: 'insufficient_window_overlap' },
    ]);
  });

  it('measures the overlap on the campaign’s current local date (zone DST rules differ in March)', () => {
    const policy = policyWith({
      allowedAgentTimezones: ['America/New_York', 'Europe/London'],
      minWindowOverlapMinutes: 90,
    });
    const body = { agents: [withWindow('a', '08:00', '14:00', 'Europe/London')] };
    // 2026-03-10: London is 4 h ahead, the window is 04:00–10:00 in New York → 120 min of calling hours.
    expect(errorsOf(body, policy, new Date('2026-03-10T15:00:00Z'))).toEqual([]);
    // 2026-03-02: 5 h ahead, 03:00–09:00 in New York → 60 min.
    expect(errorsOf(body, policy, new Date('2026-03-02T15:00:00Z'))).toEqual([
      { path: 'agents[0].availabilityWindow', code: 'insufficient_window_overlap' },
    ]);
  });

  it('uses the campaign’s local date, not the UTC date', () => {
    // Calling hours 00:00–03:00 last 2 h on the spring-forward day 2026-03-08 in New York and 3 h the day after.
    const policy = policyWith({
      callingHours: { start: '00:00', end: '03:00' },
      minWindowOverlapMinutes: 150,
    });
    const body = { agents: [withWindow('a', '00:00', '03:00')] };
    // 2026-03-09T03:00Z is still 2026-03-08 (23:00 EDT) in New York.
    expect(errorsOf(body, policy, new Date('2026-03-09T03:00:00Z'))).toEqual([
      { path: 'agents[0].availabilityWindow', code: 'insufficient_window_overlap' },
    ]);
    expect(errorsOf(body, policy, new Date('2026-03-09T12:00:00Z'))).toEqual([]);
  });

  it('collects every error at once, schema and policy, across agents, in agent order', () => {
    const body = {
      campaignId: 'other',
      agents: [
        agent('ok-1'),
        { ...agent('bad id'), maxConcurrentCalls: 5, nickname: 'x' },
        agent('ok-1', { skills: ['sales'] }),
        withWindow('ok-4', '09:00', '09:00', 'Europe/Paris'),
        withWindow('ok-5', '23:00', '01:00', 'America/Chicago'),
      ],
      callRateTarget: 0,
    };
    expect(errorsOf(body)).toEqual([
      { path: 'callRateTarget', code: 'too_small' },
      { path: 'campaignId', code: 'campaign_id_mismatch' },
      { path: 'agents[1].userId', code: 'invalid_format' },
      { path: 'agents[1].nickname', code: 'unrecognized_keys' },
      { path: 'agents[1].maxConcurrentCalls', code: 'max_concurrent_calls_exceeded' },
      { path: 'agents[2].userId', code: 'duplicate_user_id' },
      { path: 'agents[2].skills', code: 'missing_required_skill' },
      { path: 'agents[3].availabilityWindow.end', code: 'empty_window' },
      { path: 'agents[3].availabilityWindow.timezone', code: 'timezone_not_allowed' },
      { path: 'agents[4].availabilityWindow', code: 'insufficient_window_overlap' },
    ]);
  });

  it('runs the policy checks of valid agents when other agents are not even objects', () => {
    const body = { agents: [42, null, agent('a', { maxConcurrentCalls: 3 })] };
    expect(errorsOf(body)).toEqual([
      { path: 'agents[0]', code: 'invalid_type' },
      { path: 'agents[1]', code: 'invalid_type' },
      { path: 'agents[2].maxConcurrentCalls', code: 'max_concurrent_calls_exceeded' },
    ]);
  });

  it('checks the window overlap even when the window has an unknown key', () => {
    const window = { start: '22:00', end: '23:00', timezone: 'America/New_York', label: 'night' };
    expect(errorsOf({ agents: [agent('a', { availabilityWindow: window })] })).toEqual([
      { path: 'agents[0].availabilityWindow.label', code: 'unrecognized_keys' },
      { path: 'agents[0].availabilityWindow', code: 'insufficient_window_overlap' },
    ]);
  });

  it('skips the checks of malformed parts instead of reporting them twice', () => {
    const body = {
      agents: [
        {
          userId: 'a',
          skills: 'preview-qualified',
          availabilityWindow: { start: '9:00', end: '17:00', timezone: 'Mars/Olympus' },
          maxConcurrentCalls: 2.5,
        },
      ],
    };
    expect(errorsOf(body)).toEqual([
      { path: 'agents[0].skills', code: 'invalid_type' },
      { path: 'agents[0].availabilityWindow.start', code: 'invalid_format' },
      { path: 'agents[0].availabilityWindow.timezone', code: 'invalid_timezone' },
      { path: 'agents[0].maxConcurrentCalls', code: 'invalid_type' },
    ]);
  });

  it('reports a non-object body at the root only', () => {
    expect(errorsOf('agents')).toEqual([{ path: '', code: 'invalid_type' }]);
    expect(errorsOf({ agents: {} })).toEqual([{ path: 'agents', code: 'invalid_type' }]);
  });

  it('rejects a JSON __proto__ key without polluting any prototype', () => {
    const text = `{"agents":[{"userId":"a","skills":["preview-qualified"],"availabilityWindow":{"start":"09:00","end":"17:00","timezone":"America/New_York"},"maxConcurrentCalls":1,"__proto__":{"isAdmin":true}}],"__proto__":{"maxAgents":1000}}`;
    expect(errorsOf(JSON.parse(text))).toEqual([
      { path: '__proto__', code: 'unrecognized_keys' },
      { path: 'agents[0].__proto__', code: 'unrecognized_keys' },
    ]);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(({} as Record<string, unknown>).maxAgents).toBeUndefined();
  });

  it('does not return a submission when only policy rules fail', () => {
    const result = validateSubmission(
      POLICY,
      CAMPAIGN_ID,
      { agents: [agent('a', { skills: ['x'] })] },
      MORNING,
    );
    expect(result.ok).toBe(false);
    expect(result).not.toHaveProperty('submission');
  });
});

describe('policyViolations (a stored desired state under a changed policy)', () => {
  const desired = {
    agents: [
      agent('a'),
      agent('b', { availabilityWindow: { start: '09:00', end: '17:00', timezone: 'America/Chicago' } }),
      agent('c', { maxConcurrentCalls: 2 }),
    ],
  };

  it('finds nothing when the desired state still fits', () => {
    expect(policyViolations(POLICY, desired, MORNING)).toEqual([]);
    expect(agentsViolatingPolicy(POLICY, desired, MORNING)).toEqual(new Set());
  });

  it('lists every broken rule on its submission path, the agent count first', () => {
    const policy = policyWith({
      maxAgents: 2,
      allowedAgentTimezones: ['America/New_York'],
      maxConcurrentCallsPerAgent: 1,
    });
    expect(policyViolations(policy, desired, MORNING).map((e) => [e.path, e.code])).toEqual([
      ['agents', 'too_many_agents'],
      ['agents[1].availabilityWindow.timezone', 'timezone_not_allowed'],
      ['agents[2].maxConcurrentCalls', 'max_concurrent_calls_exceeded'],
    ]);
    expect(agentsViolatingPolicy(policy, desired, MORNING)).toEqual(new Set(['b', 'c']));
  });
});
