import { describe, expect, it } from 'vitest';
import { checkCampaignDrift, type DriftDeps, queryCampaignDrift } from '../../../lib/app/drift.ts';
import type { AssignmentRecord } from '../../../lib/app/model.ts';
import type { ReadSkillMember, SkillReader } from '../../../lib/app/ports.ts';
import { planActiveAgents, toSkillAssignments } from '../../../lib/domain/planner.ts';
import type { CampaignPolicy, Submission } from '../../../lib/domain/schemas.ts';
import type { SkillMember } from '../../../lib/domain/types.ts';
import { WfmEventSchema } from '../../../lib/wfm/cloudevents.ts';
import { FixedClock } from '../../support/clock.ts';
import {
  agent,
  CAMPAIGN_ID,
  NOON,
  POLICY,
  policyWith,
  queuedRecord,
  SKILL_ID,
} from '../../support/fixtures.ts';
import { InMemoryAssignmentStore } from '../../support/in-memory-store.ts';
import { RecordingDispatchQueue, RecordingWfmEventQueue } from '../../support/recording-queues.ts';

/** At NOON agent-uuid-001 is in its window (active, proficiency 1); agent-uuid-002's opens at 18:00 (inactive). */
const DESIRED: Submission = {
  callRateTarget: 8.5,
  agents: [
    agent('agent-uuid-001'),
    agent('agent-uuid-002', {
      availabilityWindow: { start: '18:00', end: '20:00', timezone: 'America/New_York' },
    }),
  ],
};
const PLANNED = toSkillAssignments(planActiveAgents(POLICY, DESIRED, NOON));
const m = (userId: string, isActive: boolean, proficiency: number): SkillMember => ({
  userId,
  isActive,
  proficiency,
});
const agentIdOf = (userId: string) => 1000 + Number(userId.replace(/\D/g, ''));

/** A CXone skill as the drift check reads it: hidden members and (maybe) no inactive ones left out. */
class FakeSkill implements SkillReader {
  members: SkillMember[];
  hiddenAgents = 0;
  listInactive = true;
  reads: Array<{ skillId: number; correlationId: string }> = [];

  constructor(members: SkillMember[]) {
    this.members = members;
  }

  async readSkill(target: { skillId: number }, context: { correlationId: string }) {
    this.reads.push({ skillId: target.skillId, correlationId: context.correlationId });
    const members: ReadSkillMember[] = this.members
      .slice(this.hiddenAgents)
      .filter((member) => this.listInactive || member.isActive)
      .map((member) => ({ ...member, agentId: agentIdOf(member.userId) }));
    return { members, hiddenAgents: this.hiddenAgents };
  }
}

interface Setup {
  policy?: CampaignPolicy;
  skill?: SkillMember[];
  status?: AssignmentRecord['status'];
  result?: AssignmentRecord['result'];
  lastApplied?: SkillMember[];
  managed?: string[];
}

async function setup(options: Setup = {}) {
  const store = new InMemoryAssignmentStore();
  const record: AssignmentRecord = {
    ...queuedRecord('asg-1', DESIRED),
    status: options.status ?? 'applied',
    ...(options.result ? { result: options.result } : {}),
  };
  store.seed(record, {
    lastApplied: {
      assignmentId: 'asg-1',
      assignments: options.lastApplied ?? PLANNED,
      appliedAt: NOON.toISOString(),
    },
  });
  await store.recordManaged(CAMPAIGN_ID, options.managed ?? ['agent-uuid-001', 'agent-uuid-002']);
  const skill = new FakeSkill(options.skill ?? PLANNED);
  const queue = new RecordingDispatchQueue();
  const wfm = new RecordingWfmEventQueue();
  const audits: Array<Record<string, unknown>> = [];
  const policy = options.policy ?? POLICY;
  const deps: DriftDeps = {
    policies: { policyFor: async (id) => (id === policy.campaignId ? policy : undefined) },
    store,
    skills: skill,
    wfm,
    queue,
    clock: new FixedClock(NOON),
    newId: () => 'drift-1',
    observer: { audit: (entry) => audits.push(entry) },
  };
  const snapshot = () => JSON.stringify([[...store.assignments], [...store.campaigns], [...store.sequences]]);
  return {
    store,
    skill,
    queue,
    wfm,
    audits,
    deps,
    snapshot,
    check: (act: boolean) => checkCampaignDrift(deps, CAMPAIGN_ID, { act }),
  };
}

const ACTIVE = { isActive: true, proficiency: 1 };

describe('checkCampaignDrift: the comparison', () => {
  it('finds a skill that holds the plan in sync, and acting on it does nothing', async () => {
    const { check, queue, wfm, audits, skill } = await setup();
    const outcome = await check(true);
    expect(outcome).toEqual({
      kind: 'checked',
      action: 'none',
      report: {
        campaignId: CAMPAIGN_ID,
        checkedAt: NOON.toISOString(),
        inSync: true,
        differences: [],
        hiddenAgents: 0,
      },
    });
    expect(skill.reads).toEqual([{ skillId: SKILL_ID, correlationId: 'drift-1' }]);
    expect([queue.messages, wfm.events, audits]).toEqual([[], [], []]);
  });

  it('an acting check records its outcome on the campaign state: clean only when in sync with nothing hidden', async () => {
    const clean = await setup();
    await clean.check(true);
    expect(clean.store.campaigns.get(CAMPAIGN_ID)?.lastDriftCheck).toEqual({
      checkedAt: NOON.toISOString(),
      skillId: SKILL_ID,
      inSync: true,
    });
    const hidden = await setup();
    hidden.skill.hiddenAgents = 1;
    await hidden.check(true);
    expect(hidden.store.campaigns.get(CAMPAIGN_ID)?.lastDriftCheck).toEqual({
      checkedAt: NOON.toISOString(),
      skillId: SKILL_ID,
      inSync: false,
    });
    const drifting = await setup({ skill: PLANNED.filter((a) => a.userId !== 'agent-uuid-001') });
    await drifting.check(true);
    expect(drifting.store.campaigns.get(CAMPAIGN_ID)?.lastDriftCheck?.inSync).toBe(false);
    const reading = await setup();
    await reading.check(false);
    expect(reading.store.campaigns.get(CAMPAIGN_ID)?.lastDriftCheck).toBeUndefined();
  });

  it('reports a planned agent that is not on the skill as missing, with what was expected', async () => {
    const { check } = await setup({ skill: PLANNED.filter((a) => a.userId !== 'agent-uuid-001') });
    const outcome = await check(false);
    expect(outcome.kind === 'checked' && outcome.report).toMatchObject({
      inSync: false,
      differences: [{ userId: 'agent-uuid-001', kind: 'missing', expected: ACTIVE }],
    });
  });

  it('reports another isActive or proficiency as changed, with expected and actual', async () => {
    const { check } = await setup({ skill: [m('agent-uuid-001', true, 4), m('agent-uuid-002', true, 1)] });
    const outcome = await check(false);
    expect(outcome.kind === 'checked' && outcome.report.differences).toEqual([
      {
        userId: 'agent-uuid-001',
        agentId: 1001,
        kind: 'changed',
        expected: ACTIVE,
        actual: { isActive: true, proficiency: 4 },
      },
      {
        userId: 'agent-uuid-002',
        agentId: 1002,
        kind: 'changed',
        expected: { isActive: false, proficiency: 1 },
        actual: { isActive: true, proficiency: 1 },
      },
    ]);
  });

  it('counts an unknown member as unexpected only in exclusive membership', async () => {
    const skill = [...PLANNED, m('agent-uuid-099', true, 7)];
    const managed = await setup({ skill });
    expect(await managed.check(false)).toMatchObject({ report: { inSync: true, differences: [] } });
    const exclusive = await setup({ skill, policy: policyWith({ membership: 'exclusive' }) });
    expect(await exclusive.check(false)).toMatchObject({
      report: {
        inSync: false,
        differences: [
          {
            userId: 'agent-uuid-099',
            agentId: 1099,
            kind: 'unexpected',
            actual: { isActive: true, proficiency: 7 },
          },
        ],
      },
    });
  });

  it('counts a managed agent no longer desired that is still on the skill as unexpected in managed membership', async () => {
    const { check } = await setup({
      skill: [...PLANNED, m('agent-uuid-003', false, 2)],
      managed: ['agent-uuid-001', 'agent-uuid-002', 'agent-uuid-003'],
    });
    expect(await check(false)).toMatchObject({
      report: {
        differences: [
          { userId: 'agent-uuid-003', kind: 'unexpected', actual: { isActive: false, proficiency: 2 } },
        ],
      },
    });
  });

  it('reports hidden members, and does not call a planned agent the read may be hiding missing', async () => {
    // The fake hides the first members: agent-uuid-001, as the last converge left it.
    const { check, skill } = await setup();
    skill.hiddenAgents = 1;
    expect(await check(false)).toMatchObject({ report: { inSync: true, differences: [], hiddenAgents: 1 } });
  });

  it('unknown campaigns and campaigns without a desired state are not read', async () => {
    const { deps, skill } = await setup();
    expect(await checkCampaignDrift(deps, 'no-such-campaign', { act: true })).toEqual({
      kind: 'unknown_campaign',
    });
    const empty = { ...deps, store: new InMemoryAssignmentStore() };
    expect(await checkCampaignDrift(empty, CAMPAIGN_ID, { act: true })).toEqual({ kind: 'no_desired_state' });
    expect(skill.reads).toEqual([]);
  });
});

describe.each([true, false])(
  'checkCampaignDrift when the read lists inactive members: %s',
  (listInactive) => {
    it('takes a planned-inactive agent the read leaves out as in place when the last converge left it so', async () => {
      const { check, skill } = await setup();
      skill.listInactive = listInactive;
      expect(await check(false)).toMatchObject({ report: { inSync: true, differences: [] } });
    });

    it('reports that agent missing when the last converge did not leave it in the planned state', async () => {
      const { check, skill } = await setup({
        skill: PLANNED.filter((a) => a.userId !== 'agent-uuid-002'),
        lastApplied: PLANNED.filter((a) => a.userId !== 'agent-uuid-002'),
      });
      skill.listInactive = listInactive;
      expect(await check(false)).toMatchObject({
        report: {
          differences: [
            { userId: 'agent-uuid-002', kind: 'missing', expected: { isActive: false, proficiency: 1 } },
          ],
        },
      });
    });

    it('reports a planned-active agent removed by hand as missing', async () => {
      const { check, skill } = await setup({ skill: PLANNED.filter((a) => a.userId !== 'agent-uuid-001') });
      skill.listInactive = listInactive;
      expect(await check(false)).toMatchObject({
        report: { differences: [{ userId: 'agent-uuid-001', kind: 'missing' }] },
      });
    });
  },
);

describe('checkCampaignDrift: acting on drift', () => {
  const drifted = [m('agent-uuid-001', true, 4), m('agent-uuid-002', false, 1)];

  it('queryCampaignDrift (the GET route) gives the same report from reads alone', async () => {
    const { deps, check, snapshot } = await setup({ skill: drifted });
    const before = snapshot();
    const readOnly = {
      policies: deps.policies,
      skills: deps.skills,
      clock: deps.clock,
      newId: () => 'drift-1',
      store: { getCampaignState: (id: string) => deps.store.getCampaignState(id) },
    };
    const queried = await queryCampaignDrift(readOnly, CAMPAIGN_ID);
    expect(snapshot()).toBe(before);
    const checked = await check(false);
    expect(queried).toEqual({ kind: 'checked', report: checked.kind === 'checked' && checked.report });
    expect(await queryCampaignDrift(readOnly, 'no-such-campaign')).toEqual({ kind: 'unknown_campaign' });
  });

  it('with act: false writes nothing and sends nothing', async () => {
    const { check, queue, wfm, audits, snapshot } = await setup({ skill: drifted });
    const before = snapshot();
    expect(await check(false)).toMatchObject({ kind: 'checked', action: 'none', report: { inSync: false } });
    expect(snapshot()).toBe(before);
    expect([queue.messages, wfm.events, audits]).toEqual([[], [], []]);
  });

  it('repairs by default: queues a repair assignment, tells WFM with each difference and audits it', async () => {
    const { check, store, queue, wfm, audits } = await setup({ skill: drifted });
    const outcome = await check(true);
    expect(outcome).toMatchObject({ kind: 'checked', action: 'repair_queued', assignmentId: 'drift-1' });
    expect(await store.getAssignment('drift-1')).toMatchObject({
      kind: 'repair',
      status: 'queued',
      desired: DESIRED,
      agentsRequested: 2,
      enqueuedAt: NOON.toISOString(),
    });
    expect((await store.getCampaignState(CAMPAIGN_ID))?.latestAssignmentId).toBe('drift-1');
    expect(queue.messages).toEqual([
      { assignmentId: 'drift-1', campaignId: CAMPAIGN_ID, kind: 'repair', enqueuedAt: NOON.toISOString() },
    ]);
    expect(wfm.events).toHaveLength(1);
    const event = WfmEventSchema.parse(wfm.events[0]);
    expect(event).toMatchObject({
      type: 'com.cxone-assignments.campaign.drift_detected',
      subject: CAMPAIGN_ID,
      time: NOON.toISOString(),
      data: {
        campaignId: CAMPAIGN_ID,
        assignmentId: 'drift-1',
        status: 'queued',
        repairQueued: true,
        hiddenAgents: 0,
        differences: [
          {
            userId: 'agent-uuid-001',
            kind: 'changed',
            expected: ACTIVE,
            actual: { isActive: true, proficiency: 4 },
          },
        ],
      },
    });
    expect(audits).toEqual([
      {
        action: 'campaign.drift_detected',
        campaignId: CAMPAIGN_ID,
        outcome: 'repair_queued',
        differences: 1,
        hiddenAgents: 0,
        assignmentId: 'drift-1',
      },
    ]);
  });

  it('with onDrift: report only tells: no assignment, no dispatch', async () => {
    const { check, queue, wfm, audits, store } = await setup({
      skill: drifted,
      policy: policyWith({ onDrift: 'report' }),
    });
    expect(await check(true)).toMatchObject({ action: 'reported' });
    expect(await store.getAssignment('drift-1')).toBeUndefined();
    expect(queue.messages).toEqual([]);
    expect(wfm.events.map((e) => [e.type, e.data.repairQueued, e.data.assignmentId])).toEqual([
      ['com.cxone-assignments.campaign.drift_detected', false, undefined],
    ]);
    expect(audits).toMatchObject([{ outcome: 'reported' }]);
  });

  it.each(['queued', 'dispatching'] as const)(
    'waits while the latest assignment is %s (it converges anyway)',
    async (status) => {
      const { check, queue, wfm, store } = await setup({ skill: drifted, status });
      expect(await check(true)).toMatchObject({ action: 'repair_pending' });
      expect(await store.getAssignment('drift-1')).toBeUndefined();
      expect(queue.messages).toEqual([]);
      expect(wfm.events.map((e) => e.data.repairQueued)).toEqual([false]);
    },
  );

  it('does not repair what the latest assignment could not apply (CXone refused it): it reports it', async () => {
    const { check, queue, wfm } = await setup({
      skill: drifted,
      status: 'partially_applied',
      result: {
        active: ['agent-uuid-001'],
        inactive: ['agent-uuid-002'],
        added: [],
        updated: [],
        removed: [],
        dropped: [],
        failedAgents: [{ userId: 'agent-uuid-001', reason: 'refused' }],
        cxoneReads: 2,
        cxoneWrites: 1,
        verified: false,
      },
    });
    expect(await check(true)).toMatchObject({ action: 'reported' });
    expect(queue.messages).toEqual([]);
    expect(wfm.events).toHaveLength(1);
  });

  it('gives a drift event the same id for the same check, so a retried check deduplicates', async () => {
    const first = await setup({ skill: drifted, policy: policyWith({ onDrift: 'report' }) });
    const second = await setup({ skill: drifted, policy: policyWith({ onDrift: 'report' }) });
    await first.check(true);
    await second.check(true);
    expect(first.wfm.events[0]?.id).toBe(second.wfm.events[0]?.id);
  });
});
