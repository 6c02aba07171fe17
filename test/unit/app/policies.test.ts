import { beforeEach, describe, expect, it } from 'vitest';
import { RetryLaterError } from '../../../lib/app/errors.ts';
import {
  changedFields,
  deletePolicy,
  getPolicy,
  listPolicyVersions,
  type PolicyDeps,
  type PutPolicyRequest,
  putPolicy,
} from '../../../lib/app/policies.ts';
import { importPolicies } from '../../../lib/app/policies-import.ts';
import type { SkillLookup, SkillLookupResult } from '../../../lib/app/ports.ts';
import { planActiveAgents } from '../../../lib/domain/planner.ts';
import { FixedClock } from '../../support/clock.ts';
import {
  agent,
  CAMPAIGN_ID,
  MORNING,
  POLICY,
  policyWith,
  queuedRecord,
  SKILL_ID,
  submission,
} from '../../support/fixtures.ts';
import { InMemoryPolicyStore } from '../../support/in-memory-policy-store.ts';
import { InMemoryAssignmentStore } from '../../support/in-memory-store.ts';
import { RecordingDispatchQueue, RecordingWfmEventQueue } from '../../support/recording-queues.ts';

const NEW_CAMPAIGN = 'campaign-new';
const FREE_SKILL = 4501235;
const INBOUND_SKILL = 4509999;

/** CXone's skills as the sandbox seeds them: outbound Personal Connection ones, one inbound, one other dialer. */
class FakeSkills implements SkillLookup {
  readonly lookups: number[] = [];
  failure: Error | undefined;
  unsupported = false;

  async lookup(skillId: number): Promise<SkillLookupResult> {
    this.lookups.push(skillId);
    if (this.failure) throw this.failure;
    if (this.unsupported) return { kind: 'unsupported' };
    if (skillId === INBOUND_SKILL) {
      return {
        kind: 'found',
        skill: { skillId, name: 'Inbound', outbound: false, personalConnection: false },
      };
    }
    if (skillId === 4508888) {
      return {
        kind: 'found',
        skill: { skillId, name: 'Progressive', outbound: true, personalConnection: false },
      };
    }
    if (skillId >= 4501234 && skillId <= 4501239) {
      return {
        kind: 'found',
        skill: { skillId, name: `PC ${skillId}`, outbound: true, personalConnection: true },
      };
    }
    return { kind: 'not_found' };
  }
}

let policies: InMemoryPolicyStore;
let assignments: InMemoryAssignmentStore;
let queue: RecordingDispatchQueue;
let wfm: RecordingWfmEventQueue;
let skills: FakeSkills;
let clock: FixedClock;
let deps: PolicyDeps;
let ids = 0;

beforeEach(() => {
  policies = new InMemoryPolicyStore();
  assignments = new InMemoryAssignmentStore();
  queue = new RecordingDispatchQueue();
  wfm = new RecordingWfmEventQueue();
  skills = new FakeSkills();
  clock = new FixedClock(MORNING);
  ids = 0;
  deps = { policies, assignments, queue, wfm, skills, clock, newId: () => `asg-new-${++ids}` };
});

const context = { correlationId: 'req-1', deadline: Date.now() + 60_000 };

function put(campaignId: string, body: unknown, options: Partial<PutPolicyRequest> = {}) {
  return putPolicy(deps, { campaignId, body, force: false, context, ...options });
}

/** The policy body without its campaignId (the path carries it). */
function bodyOf(overrides: Record<string, unknown> = {}) {
  const { campaignId: _id, ...rest } = { ...POLICY, ...overrides };
  return rest;
}

describe('putPolicy: create', () => {
  it('creates version 1 of a new campaign on a free outbound Personal Connection skill', async () => {
    const outcome = await put(NEW_CAMPAIGN, bodyOf({ cxoneSkillId: FREE_SKILL }), { ifNoneMatch: 'any' });
    expect(outcome).toMatchObject({
      kind: 'created',
      stored: { campaignId: NEW_CAMPAIGN, version: 1, updatedAt: MORNING.toISOString() },
      effectFailures: [],
    });
    expect(await getPolicy(deps, NEW_CAMPAIGN)).toMatchObject({
      version: 1,
      policy: { ...POLICY, campaignId: NEW_CAMPAIGN, cxoneSkillId: FREE_SKILL },
    });
    expect(skills.lookups).toEqual([FREE_SKILL]);
    expect(queue.messages).toEqual([]); // no desired state yet: nothing to re-plan
    expect(wfm.events).toEqual([
      expect.objectContaining({
        type: 'com.cxone-assignments.campaign.policy_changed',
        data: expect.objectContaining({ campaignId: NEW_CAMPAIGN, version: 1 }),
      }),
    ]);
    expect(wfm.events[0]?.data).not.toHaveProperty('previousVersion');
  });

  it('refuses a skill CXone does not know, an inbound one and another dialer’s, at cxoneSkillId', async () => {
    for (const [skillId, code] of [
      [4500001, 'skill_not_found'],
      [INBOUND_SKILL, 'skill_not_outbound'],
      [4508888, 'skill_not_personal_connection'],
    ] as const) {
      const outcome = await put(NEW_CAMPAIGN, bodyOf({ cxoneSkillId: skillId }));
      expect(outcome, String(skillId)).toEqual({
        kind: 'invalid',
        issues: [expect.objectContaining({ path: 'cxoneSkillId', code })],
      });
    }
    expect(await getPolicy(deps, NEW_CAMPAIGN)).toBeUndefined();
    expect(wfm.events).toEqual([]);
  });

  it('refuses a skill another campaign holds (409) without asking CXone', async () => {
    policies.seed(POLICY);
    expect(await put(NEW_CAMPAIGN, bodyOf())).toEqual({
      kind: 'skill_taken',
      skillId: SKILL_ID,
      heldBy: CAMPAIGN_ID,
    });
    expect(skills.lookups).toEqual([]);
  });

  it('collects every schema error, a body campaignId that differs from the path, and never calls CXone', async () => {
    const outcome = await put(NEW_CAMPAIGN, {
      ...bodyOf({ cxoneSkillId: FREE_SKILL, maxAgents: 0, timezone: 'Mars/Olympus' }),
      campaignId: 'another',
      surprise: true,
    });
    expect(outcome.kind).toBe('invalid');
    const issues = outcome.kind === 'invalid' ? outcome.issues.map((i) => [i.path, i.code]) : [];
    expect(issues).toEqual(
      expect.arrayContaining([
        ['timezone', 'invalid_timezone'],
        ['maxAgents', 'too_small'],
        ['surprise', 'unrecognized_keys'],
        ['campaignId', 'campaign_id_mismatch'],
      ]),
    );
    expect(skills.lookups).toEqual([]);
    expect((await put('not a valid id', bodyOf({ cxoneSkillId: FREE_SKILL }))).kind).toBe('invalid');
  });

  it('accepts the skill unchecked when the CXone target has no skill lookup', async () => {
    skills.unsupported = true;
    expect((await put(NEW_CAMPAIGN, bodyOf({ cxoneSkillId: 4500001 }))).kind).toBe('created');
  });

  it('lets a CXone outage through as the retry error, storing nothing', async () => {
    skills.failure = new RetryLaterError('CXone answered 503');
    await expect(put(NEW_CAMPAIGN, bodyOf({ cxoneSkillId: FREE_SKILL }))).rejects.toThrow(RetryLaterError);
    expect(await getPolicy(deps, NEW_CAMPAIGN)).toBeUndefined();
  });
});

describe('putPolicy: preconditions', () => {
  beforeEach(() => {
    policies.seed(POLICY, 3);
  });

  it('requires If-Match to replace (428) and refuses a stale one or If-None-Match: * (412), changing nothing', async () => {
    expect(await put(CAMPAIGN_ID, bodyOf({ maxAgents: 1 }))).toEqual({ kind: 'precondition_required' });
    expect(await put(CAMPAIGN_ID, bodyOf({ maxAgents: 1 }), { ifMatch: [2] })).toEqual({
      kind: 'precondition_failed',
    });
    expect(await put(CAMPAIGN_ID, bodyOf({ maxAgents: 1 }), { ifNoneMatch: 'any' })).toEqual({
      kind: 'precondition_failed',
    });
    expect(await put(NEW_CAMPAIGN, bodyOf({ cxoneSkillId: FREE_SKILL }), { ifMatch: 'any' })).toEqual({
      kind: 'precondition_failed',
    });
    expect((await getPolicy(deps, CAMPAIGN_ID))?.version).toBe(3);
    expect(wfm.events).toEqual([]);
  });

  it('checks the preconditions before the body (a stale ETag with a bad body is a 412)', async () => {
    expect(await put(CAMPAIGN_ID, { nonsense: true }, { ifMatch: [1] })).toEqual({
      kind: 'precondition_failed',
    });
  });

  it('refuses a campaignId no campaign can have before any precondition, with the body’s errors', async () => {
    const outcome = await put('bad id', { ...bodyOf(), maxAgents: 0 }, { ifMatch: [3] });
    expect(outcome.kind === 'invalid' && outcome.issues.map((i) => i.path)).toEqual([
      'campaignId',
      'maxAgents',
    ]);
  });

  it('replaces with a matching If-Match (one of several, or *) as the next version', async () => {
    const outcome = await put(CAMPAIGN_ID, bodyOf({ maxAgents: 1 }), { ifMatch: [7, 3] });
    expect(outcome).toMatchObject({ kind: 'replaced', stored: { version: 4 }, previousVersion: 3 });
    expect((await put(CAMPAIGN_ID, bodyOf({ maxAgents: 2 }), { ifMatch: 'any' })).kind).toBe('replaced');
    expect(skills.lookups).toEqual([]); // same skill: not looked up again
    expect(wfm.events.map((e) => [e.data.previousVersion, e.data.version, e.data.changedFields])).toEqual([
      [3, 4, ['maxAgents']],
      [4, 5, ['maxAgents']],
    ]);
  });

  it('answers an identical body with the current version and writes nothing', async () => {
    expect(await put(CAMPAIGN_ID, bodyOf(), { ifMatch: [3] })).toMatchObject({
      kind: 'unchanged',
      stored: { version: 3 },
    });
    expect(wfm.events).toEqual([]);
  });

  it('looks a new skill up on CXone when the campaign moves to it', async () => {
    const outcome = await put(CAMPAIGN_ID, bodyOf({ cxoneSkillId: INBOUND_SKILL }), { ifMatch: [3] });
    expect(outcome).toMatchObject({ kind: 'invalid', issues: [{ path: 'cxoneSkillId' }] });
    expect((await put(CAMPAIGN_ID, bodyOf({ cxoneSkillId: FREE_SKILL }), { ifMatch: [3] })).kind).toBe(
      'replaced',
    );
    expect(await policies.skillOwner(FREE_SKILL)).toBe(CAMPAIGN_ID);
    expect(await policies.skillOwner(SKILL_ID)).toBeUndefined();
  });
});

describe('putPolicy: the campaign’s desired state', () => {
  const desired = submission(3, {
    agents: [
      agent('agent-uuid-001'),
      agent('agent-uuid-002', { recentCallRate: 1 }),
      agent('agent-uuid-003', {
        availabilityWindow: { start: '09:00', end: '17:00', timezone: 'America/Chicago' },
      }),
    ],
  });

  beforeEach(() => {
    policies.seed(POLICY);
    assignments.seed({ ...queuedRecord('asg-1', desired), status: 'applied' });
  });

  it('re-plans the campaign at once: a policy_change assignment of the desired state at the new version', async () => {
    const outcome = await put(CAMPAIGN_ID, bodyOf({ capacityThreshold: 0.95 }), { ifMatch: [1] });
    expect(outcome).toMatchObject({ kind: 'replaced', replanAssignmentId: 'asg-new-1' });
    expect(await assignments.getAssignment('asg-new-1')).toMatchObject({
      kind: 'policy_change',
      status: 'queued',
      desired,
      policyVersion: 2,
      enqueuedAt: MORNING.toISOString(),
    });
    expect((await assignments.getCampaignState(CAMPAIGN_ID))?.latestAssignmentId).toBe('asg-new-1');
    expect(queue.messages).toEqual([
      {
        assignmentId: 'asg-new-1',
        campaignId: CAMPAIGN_ID,
        kind: 'policy_change',
        enqueuedAt: MORNING.toISOString(),
      },
    ]);
    expect(wfm.events[0]?.data).toMatchObject({
      previousVersion: 1,
      version: 2,
      changedFields: ['capacityThreshold'],
      assignmentId: 'asg-new-1',
      status: 'queued',
    });
  });

  it('refuses a policy the desired state breaks, listing the agents at their desired paths', async () => {
    const outcome = await put(
      CAMPAIGN_ID,
      bodyOf({ maxAgents: 1, allowedAgentTimezones: ['America/New_York'] }),
      { ifMatch: [1] },
    );
    expect(outcome.kind).toBe('invalid');
    const issues = outcome.kind === 'invalid' ? outcome.issues : [];
    expect(issues.map((i) => [i.path, i.code])).toEqual([
      ['desired.agents', 'too_many_agents'],
      ['desired.agents[2].availabilityWindow.timezone', 'timezone_not_allowed'],
    ]);
    expect(issues[1]?.message).toContain('agent-uuid-003');
    expect((await getPolicy(deps, CAMPAIGN_ID))?.version).toBe(1);
    expect(queue.messages).toEqual([]);
  });

  it('with force, stores it and the re-plan plans the offending agents inactive (policy_violation)', async () => {
    const body = bodyOf({ maxAgents: 1, allowedAgentTimezones: ['America/New_York'] });
    const outcome = await put(CAMPAIGN_ID, body, { ifMatch: [1], force: true });
    expect(outcome.kind).toBe('replaced');
    const stored = await getPolicy(deps, CAMPAIGN_ID);
    const plan = planActiveAgents(stored!.policy, desired, MORNING);
    expect(plan.map((p) => [p.userId, p.active, p.reason])).toEqual([
      ['agent-uuid-001', true, 'active'],
      ['agent-uuid-002', false, 'over_max_agents'],
      ['agent-uuid-003', false, 'policy_violation'],
    ]);
  });

  it('re-reads the desired state when a submission replaced it meanwhile, and re-plans that one', async () => {
    const newer = { ...queuedRecord('asg-2', submission(1)), status: 'queued' as const };
    const racing = {
      ...assignments,
      getCampaignState: assignments.getCampaignState.bind(assignments),
      markEnqueued: assignments.markEnqueued.bind(assignments),
      createRebalance: async (record: Parameters<typeof assignments.createRebalance>[0], latest: string) => {
        if (!assignments.assignments.has('asg-2')) assignments.seed(newer);
        return assignments.createRebalance(record, latest);
      },
    };
    const outcome = await putPolicy(
      { ...deps, assignments: racing },
      { campaignId: CAMPAIGN_ID, body: bodyOf({ maxAgents: 10 }), ifMatch: [1], force: false, context },
    );
    expect(outcome).toMatchObject({ kind: 'replaced', replanAssignmentId: 'asg-new-2' });
    expect((await assignments.getAssignment('asg-new-2'))?.desired).toEqual(submission(1));
  });

  it('keeps the stored change and reports the follow-ups that failed', async () => {
    queue.failNext();
    wfm.failNext();
    const outcome = await put(CAMPAIGN_ID, bodyOf({ maxAgents: 10 }), { ifMatch: [1] });
    expect(outcome).toMatchObject({ kind: 'replaced', stored: { version: 2 } });
    expect(outcome.kind === 'replaced' && outcome.effectFailures.map((f) => f.effect)).toEqual([
      'replan',
      'event',
    ]);
    expect((await getPolicy(deps, CAMPAIGN_ID))?.version).toBe(2);
  });
});

describe('deletePolicy', () => {
  beforeEach(() => {
    policies.seed(POLICY, 2);
  });

  it('needs If-Match (428), refuses a stale one (412), answers not_found for an unknown campaign', async () => {
    expect(await deletePolicy(deps, { campaignId: CAMPAIGN_ID })).toEqual({ kind: 'precondition_required' });
    expect(await deletePolicy(deps, { campaignId: CAMPAIGN_ID, ifMatch: [1] })).toEqual({
      kind: 'precondition_failed',
    });
    expect(await deletePolicy(deps, { campaignId: 'nope', ifMatch: 'any' })).toEqual({ kind: 'not_found' });
    expect((await getPolicy(deps, CAMPAIGN_ID))?.version).toBe(2);
  });

  it('deletes the policy, frees the skill, keeps the history and tells WFM', async () => {
    expect(await deletePolicy(deps, { campaignId: CAMPAIGN_ID, ifMatch: [2] })).toMatchObject({
      kind: 'deleted',
      previousVersion: 2,
    });
    expect(await getPolicy(deps, CAMPAIGN_ID)).toBeUndefined();
    expect(await policies.skillOwner(SKILL_ID)).toBeUndefined();
    expect(await listPolicyVersions(deps, CAMPAIGN_ID, { limit: 10 })).toBeUndefined();
    expect(policies.history.get(CAMPAIGN_ID)).toHaveLength(1);
    expect(wfm.events[0]?.data).toEqual({
      campaignId: CAMPAIGN_ID,
      previousVersion: 2,
      deleted: true,
      changedFields: [],
    });
  });
});

describe('importPolicies', () => {
  it('writes only the campaigns without a policy, and reports skills another campaign holds', async () => {
    policies.seed(policyWith({ maxAgents: 3 }), 4);
    policies.seed(policyWith({ campaignId: 'holder', cxoneSkillId: 4501236 }));
    const report = await importPolicies(
      policies,
      [
        POLICY,
        policyWith({ campaignId: 'fresh', cxoneSkillId: FREE_SKILL }),
        policyWith({ campaignId: 'clash', cxoneSkillId: 4501236 }),
      ],
      MORNING,
    );
    expect(report).toEqual({
      created: ['fresh'],
      skipped: [CAMPAIGN_ID],
      conflicts: [{ campaignId: 'clash', skillId: 4501236, heldBy: 'holder' }],
    });
    expect((await getPolicy(deps, CAMPAIGN_ID))?.policy.maxAgents).toBe(3);
    expect((await getPolicy(deps, 'fresh'))?.version).toBe(1);
  });
});

describe('changedFields', () => {
  it('names the top-level fields whose value differs, all of them for a new policy', () => {
    expect(changedFields(POLICY, policyWith({ callingHours: { start: '08:00', end: '20:00' } }))).toEqual([
      'callingHours',
    ]);
    expect(changedFields(undefined, POLICY)).toEqual(Object.keys(POLICY).sort());
    expect(changedFields(POLICY, POLICY)).toEqual([]);
  });
});
