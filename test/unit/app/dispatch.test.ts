import { describe, expect, it } from 'vitest';
import {
  AssignmentNotFoundError,
  type Delivery,
  type DispatchDeps,
  dispatchAssignment,
} from '../../../lib/app/dispatch.ts';
import { PermanentRefusalError, RetryLaterError } from '../../../lib/app/errors.ts';
import type { DispatchMessage } from '../../../lib/app/messages.ts';
import type { AssignmentRecord } from '../../../lib/app/model.ts';
import { planActiveAgents } from '../../../lib/domain/planner.ts';
import type { CampaignPolicy, Submission } from '../../../lib/domain/schemas.ts';
import { FixedClock } from '../../support/clock.ts';
import { FakeCampaignConverger } from '../../support/fake-converger.ts';
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
import { InMemoryAssignmentStore } from '../../support/in-memory-store.ts';
import { RecordingObserver } from '../../support/recording-observer.ts';
import { QueueUnavailableError, RecordingWfmEventQueue } from '../../support/recording-queues.ts';

const SUBMITTED = MORNING;
const SENT_AT = SUBMITTED.getTime() + 100;
const STARTED = new Date(SUBMITTED.getTime() + 2_000);
const DEADLINE = STARTED.getTime() + 55_000;

function setup(policyFor?: DispatchDeps['policyFor']) {
  const store = new InMemoryAssignmentStore();
  const converger = new FakeCampaignConverger();
  const wfm = new RecordingWfmEventQueue();
  const observer = new RecordingObserver();
  const clock = new FixedClock(STARTED);
  const configured = { policy: POLICY };
  const deps: DispatchDeps = {
    store,
    converger,
    wfm,
    clock,
    observer,
    policyFor:
      policyFor ?? (async (campaignId) => (campaignId === CAMPAIGN_ID ? configured.policy : undefined)),
  };
  /** Changes the campaign's policy, as an operator would between two dispatches. */
  const usePolicy = (policy: CampaignPolicy) => {
    configured.policy = policy;
  };
  const dispatch = (record: AssignmentRecord, delivery: Partial<Delivery> = {}) =>
    dispatchAssignment(deps, messageOf(record), {
      receiveCount: 1,
      maxReceiveCount: 5,
      sentAt: SENT_AT,
      deadline: DEADLINE,
      ...delivery,
    });
  /** Stores `record` as the campaign's latest desired state, as submit does. */
  const submit = (
    assignmentId: string,
    desired: Submission,
    kind: AssignmentRecord['kind'] = 'submission',
  ) => {
    const record = queuedRecord(assignmentId, desired, { submittedAt: SUBMITTED, kind });
    const lastApplied = store.campaigns.get(CAMPAIGN_ID)?.lastApplied;
    store.seed(record, lastApplied ? { lastApplied } : {});
    return record;
  };
  return { store, converger, wfm, observer, clock, dispatch, submit, usePolicy };
}

function messageOf(record: AssignmentRecord): DispatchMessage {
  return {
    assignmentId: record.assignmentId,
    campaignId: record.campaignId,
    kind: record.kind,
    enqueuedAt: record.submittedAt,
  };
}

const typesOf = (events: Array<{ type: string }>) =>
  events.map((event) => event.type.replace('com.cxone-assignments.', ''));

describe('dispatchAssignment', () => {
  it('applies the desired state to CXone and records the result, latency, last applied state and events', async () => {
    const { store, converger, wfm, observer, dispatch, submit } = setup();
    const record = submit('asg-1', submission(2));

    expect(await dispatch(record)).toEqual({ outcome: 'applied', assignmentId: 'asg-1' });

    expect(converger.calls).toHaveLength(1);
    expect(converger.calls[0]?.target).toEqual({ campaignId: CAMPAIGN_ID, skillId: SKILL_ID });
    expect(converger.calls[0]?.context).toEqual({ correlationId: 'asg-1', deadline: DEADLINE });
    const expectedOnSkill = [
      { userId: 'agent-uuid-001', isActive: true, proficiency: 1 },
      { userId: 'agent-uuid-002', isActive: true, proficiency: 1 },
    ];
    expect(converger.state(SKILL_ID)).toEqual(expectedOnSkill);

    const stored = await store.getAssignment('asg-1');
    expect(stored).toMatchObject({
      status: 'applied',
      updatedAt: STARTED.toISOString(),
      latencyMs: 2_000,
      latency: { queueWaitMs: 1_900, cxoneMs: 250, totalMs: 2_000 },
      result: {
        active: ['agent-uuid-001', 'agent-uuid-002'],
        inactive: [],
        added: ['agent-uuid-001', 'agent-uuid-002'],
        updated: [],
        removed: [],
        dropped: [],
        failedAgents: [],
        hiddenAgents: 0,
        // One read before the writes; every agent's answer a success, so no verifying read.
        cxoneReads: 1,
        cxoneWrites: 1,
        verified: true,
      },
    });
    expect(stored?.pendingEvents).toBeUndefined();
    expect((await store.getCampaignState(CAMPAIGN_ID))?.lastApplied).toEqual({
      assignmentId: 'asg-1',
      assignments: expectedOnSkill,
      foreignAgents: [],
      hiddenAgents: 0,
      appliedAt: STARTED.toISOString(),
    });
    expect((await store.getCampaignState(CAMPAIGN_ID))?.managedAgents).toEqual([
      'agent-uuid-001',
      'agent-uuid-002',
    ]);
    expect(converger.calls[0]?.scope).toEqual({
      mode: 'managed',
      managed: ['agent-uuid-001', 'agent-uuid-002'],
    });

    expect(typesOf(wfm.events)).toEqual(['agent.added', 'agent.added', 'assignment.applied']);
    const [first, second, final] = wfm.events;
    expect(first?.data).toMatchObject({
      userId: 'agent-uuid-001',
      sequence: 1,
      isActive: true,
      proficiency: 1,
    });
    expect(second?.data).toMatchObject({ userId: 'agent-uuid-002', sequence: 2 });
    expect(final?.subject).toBe('asg-1');
    expect(final?.data).toMatchObject({
      assignmentId: 'asg-1',
      campaignId: CAMPAIGN_ID,
      status: 'applied',
      latencyMs: 2_000,
      callRateTarget: 8.5,
      kind: 'submission',
    });
    expect(observer.outcomes).toEqual(['applied']);
    expect(observer.latencies).toEqual([{ queueWaitMs: 1_900, cxoneMs: 250, totalMs: 2_000 }]);
    expect(observer.audits.map((a) => a.action)).toContain('assignment.applied');
  });

  it('uses the policy call-rate target when the submission has none', async () => {
    const { wfm, dispatch, submit } = setup();
    const { callRateTarget: _ignored, ...withoutTarget } = submission(1);
    await dispatch(submit('asg-1', withoutTarget));
    expect(wfm.events.at(-1)?.data.callRateTarget).toBe(POLICY.callRateTarget);
  });

  it('carries the call-rate target in every final event, whatever the outcome', async () => {
    const { converger, wfm, dispatch, submit } = setup();
    const older = submit('asg-1', submission(1, { callRateTarget: 6 }));
    const newer = submit('asg-2', submission(1, { callRateTarget: 7 }));
    await dispatch(older); // superseded
    converger.failNext(new PermanentRefusalError('refused', 400));
    await dispatch(newer); // rejected
    const { callRateTarget: _ignored, ...withoutTarget } = submission(1);
    converger.failNext(new RetryLaterError('down'));
    await dispatch(submit('asg-3', withoutTarget), { receiveCount: 5 }).catch(() => undefined); // failed

    expect(wfm.events.map((e) => [e.type, e.data.callRateTarget])).toEqual([
      ['com.cxone-assignments.assignment.superseded', 6],
      ['com.cxone-assignments.assignment.rejected', 7],
      ['com.cxone-assignments.assignment.failed', POLICY.callRateTarget],
    ]);
  });

  it('sends only the final event for a resubmission that changes nothing in CXone', async () => {
    const { store, converger, wfm, dispatch, submit } = setup();
    await dispatch(submit('asg-1', submission(2)));
    const sent = wfm.events.length;

    expect(await dispatch(submit('asg-2', submission(2)))).toEqual({
      outcome: 'applied',
      assignmentId: 'asg-2',
    });
    expect(typesOf(wfm.events.slice(sent))).toEqual(['assignment.applied']);
    expect(wfm.events.at(-1)?.data.assignmentId).toBe('asg-2');
    expect((await store.getAssignment('asg-2'))?.result).toMatchObject({
      cxoneWrites: 0,
      added: [],
      updated: [],
    });
    expect(converger.calls).toHaveLength(2);
  });

  it('sends one per-agent event per change, with sequences that continue per campaign', async () => {
    const { wfm, dispatch, submit } = setup();
    await dispatch(submit('asg-1', submission(3)));
    const sent = wfm.events.length;

    const next: Submission = {
      callRateTarget: 8.5,
      agents: [
        agent('agent-uuid-001', { recentCallRate: 3 }), // score 0.65 → proficiency 2: updated
        agent('agent-uuid-002', { recentCallRate: 8 }), // under the threshold: deactivated
        agent('agent-uuid-004'), // new: added
      ], // agent-uuid-003 is gone: removed
    };
    await dispatch(submit('asg-2', next));
    const events = wfm.events.slice(sent);
    expect(events.map((e) => [e.type, e.data.userId, e.data.sequence])).toEqual([
      ['com.cxone-assignments.agent.updated', 'agent-uuid-001', 4],
      ['com.cxone-assignments.agent.deactivated', 'agent-uuid-002', 5],
      ['com.cxone-assignments.agent.removed', 'agent-uuid-003', 6],
      ['com.cxone-assignments.agent.added', 'agent-uuid-004', 7],
      ['com.cxone-assignments.assignment.applied', undefined, undefined],
    ]);
    expect(events[0]?.data).toMatchObject({ isActive: true, proficiency: 2 });
    expect(events[1]?.data).toMatchObject({ isActive: false });
  });

  it('marks an assignment superseded when a newer desired state is the latest, without calling CXone', async () => {
    const { store, converger, wfm, observer, dispatch, submit } = setup();
    const older = submit('asg-1', submission(1));
    submit('asg-2', submission(2));

    expect(await dispatch(older)).toEqual({ outcome: 'superseded', assignmentId: 'asg-1' });
    expect(converger.calls).toEqual([]);
    expect((await store.getAssignment('asg-1'))?.status).toBe('superseded');
    expect((await store.getAssignment('asg-2'))?.status).toBe('queued');
    expect(typesOf(wfm.events)).toEqual(['assignment.superseded']);
    expect(wfm.events[0]?.data).toMatchObject({ status: 'superseded', supersededBy: 'asg-2' });
    expect(observer.audits).toContainEqual(
      expect.objectContaining({
        action: 'assignment.superseded',
        assignmentId: 'asg-1',
        reason: expect.stringContaining('asg-2'),
      }),
    );
  });

  it('rejects on a permanent CXone refusal and says why', async () => {
    const { store, converger, wfm, dispatch, submit } = setup();
    converger.failNext(new PermanentRefusalError('CXone refused the change: skill not found', 404));
    const record = submit('asg-1', submission(1));

    expect(await dispatch(record)).toEqual({ outcome: 'rejected', assignmentId: 'asg-1' });
    const stored = await store.getAssignment('asg-1');
    expect(stored).toMatchObject({ status: 'rejected', error: 'CXone refused the change: skill not found' });
    expect(stored?.result).toBeUndefined();
    expect((await store.getCampaignState(CAMPAIGN_ID))?.lastApplied).toBeUndefined();
    expect(typesOf(wfm.events)).toEqual(['assignment.rejected']);
    expect(wfm.events[0]?.data.error).toBe('CXone refused the change: skill not found');
  });

  it('plans a policy_change with at least the policy version it was queued for', async () => {
    const asked: Array<[string, number | undefined]> = [];
    const { store, converger, dispatch, submit } = setup(async (campaignId, minVersion) => {
      asked.push([campaignId, minVersion]);
      return policyWith({ maxAgents: 1 });
    });
    const record = { ...submit('asg-1', submission(2), 'policy_change'), policyVersion: 4 };
    store.seed(record);
    expect(await dispatch(record)).toEqual({ outcome: 'applied', assignmentId: 'asg-1' });
    expect(asked[0]).toEqual([CAMPAIGN_ID, 4]);
    expect(converger.calls[0]?.plan.filter((p) => p.active)).toHaveLength(1);
  });

  it('rejects an assignment whose campaign is no longer configured', async () => {
    const { store, converger, dispatch, submit } = setup();
    const record = { ...submit('asg-1', submission(1)), campaignId: 'retired-campaign' };
    store.seed(record);
    expect(await dispatch(record)).toEqual({ outcome: 'rejected', assignmentId: 'asg-1' });
    expect(converger.calls).toEqual([]);
    expect((await store.getAssignment('asg-1'))?.error).toMatch(/retired-campaign/);
  });

  it('rethrows RetryLaterError (keeping retryAfterMs) before the last receive and records nothing final', async () => {
    const { store, wfm, converger, dispatch, submit } = setup();
    const error = new RetryLaterError('CXone answered 429', 30_000);
    converger.failNext(error);
    const record = submit('asg-1', submission(1));

    await expect(dispatch(record, { receiveCount: 4 })).rejects.toBe(error);
    expect((await store.getAssignment('asg-1'))?.status).toBe('dispatching');
    expect(wfm.events).toEqual([]);
  });

  it('turns any other converge failure into a RetryLaterError with the cause', async () => {
    const { converger, dispatch, submit } = setup();
    const cause = new TypeError('socket hang up');
    converger.failNext(cause);
    const error = await dispatch(submit('asg-1', submission(1))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryLaterError);
    expect((error as RetryLaterError).cause).toBe(cause);
    expect((error as RetryLaterError).retryAfterMs).toBeUndefined();
  });

  it('on the last receive marks the assignment failed, sends assignment.failed, and still rethrows', async () => {
    const { store, wfm, observer, converger, dispatch, submit } = setup();
    converger.failNext(new RetryLaterError('CXone answered 503'));
    const record = submit('asg-1', submission(1));

    await expect(dispatch(record, { receiveCount: 5 })).rejects.toBeInstanceOf(RetryLaterError);
    const stored = await store.getAssignment('asg-1');
    expect(stored).toMatchObject({ status: 'failed', error: 'Gave up after 5 attempts: CXone answered 503' });
    expect(stored?.pendingEvents).toBeUndefined();
    expect(typesOf(wfm.events)).toEqual(['assignment.failed']);
    expect(wfm.events[0]?.data).toMatchObject({ status: 'failed', error: stored?.error });
    expect(observer.outcomes).toEqual(['failed']);
  });

  it('after a crash past the final status write, the next delivery re-sends the same events and nothing else', async () => {
    const { store, converger, wfm, observer, dispatch, submit } = setup();
    const record = submit('asg-1', submission(2));
    wfm.failNext();

    await expect(dispatch(record)).rejects.toBeInstanceOf(QueueUnavailableError);
    const crashed = await store.getAssignment('asg-1');
    expect(crashed?.status).toBe('applied');
    const pending = crashed?.pendingEvents ?? [];
    expect(typesOf(pending)).toEqual(['agent.added', 'agent.added', 'assignment.applied']);
    const sequences = new Map(store.sequences);

    expect(await dispatch(record, { receiveCount: 2 })).toEqual({
      outcome: 'already_final',
      assignmentId: 'asg-1',
    });
    expect(wfm.batches).toEqual([pending]);
    expect(converger.calls).toHaveLength(1);
    expect(store.sequences).toEqual(sequences);
    expect(observer.outcomes).toEqual(['applied']);
    expect((await store.getAssignment('asg-1'))?.pendingEvents).toBeUndefined();
  });

  it('after a crash between the CXone writes and the status write, the retry still reports the agent changes', async () => {
    const { store, converger, wfm, dispatch, submit } = setup();
    await dispatch(submit('asg-0', submission(1)));
    const record = submit('asg-1', submission(2));
    // The first delivery of asg-1 got as far as writing CXone, then died.
    await store.updateAssignment('asg-1', { status: 'dispatching' }, ['queued']);
    await converger.converge(
      { campaignId: CAMPAIGN_ID, skillId: SKILL_ID },
      planActiveAgents(POLICY, submission(2), STARTED),
      { correlationId: 'asg-1', deadline: DEADLINE },
      { mode: 'managed', managed: submission(2).agents.map((a) => a.userId) },
    );
    wfm.batches.length = 0;

    expect(await dispatch(record, { receiveCount: 2 })).toEqual({
      outcome: 'applied',
      assignmentId: 'asg-1',
    });
    const events = wfm.batches.flat();
    expect(typesOf(events)).toEqual(['agent.added', 'assignment.applied']);
    expect(events[0]?.data).toMatchObject({ userId: submission(2).agents[1]?.userId });
  });

  it('changes nothing on a duplicate delivery of a finished assignment', async () => {
    const { store, converger, wfm, dispatch, submit } = setup();
    const record = submit('asg-1', submission(2));
    await dispatch(record);
    const finished = await store.getAssignment('asg-1');
    const sent = wfm.events.length;

    expect(await dispatch(record, { receiveCount: 1 })).toEqual({
      outcome: 'already_final',
      assignmentId: 'asg-1',
    });
    expect(await store.getAssignment('asg-1')).toEqual(finished);
    expect(wfm.events).toHaveLength(sent);
    expect(converger.calls).toHaveLength(1);
  });

  it('finishes once when two deliveries of the same message race', async () => {
    const { store, wfm, observer, dispatch, submit } = setup();
    const record = submit('asg-1', submission(1));

    const results = await Promise.all([dispatch(record), dispatch(record)]);
    expect(results.map((r) => r.outcome).sort()).toEqual(['already_final', 'applied']);
    expect(observer.outcomes).toEqual(['applied']);
    expect((await store.getAssignment('asg-1'))?.status).toBe('applied');
    const finals = wfm.events.filter((e) => e.type === 'com.cxone-assignments.assignment.applied');
    expect(finals.length).toBeGreaterThanOrEqual(1);
    expect(new Set(finals.map((e) => e.id)).size).toBe(1);
  });

  it('reports agents CXone refused as partially_applied', async () => {
    const { store, converger, wfm, dispatch, submit } = setup();
    converger.refused.set('agent-uuid-002', 'agent is locked');

    expect(await dispatch(submit('asg-1', submission(2)))).toMatchObject({ outcome: 'partially_applied' });
    expect((await store.getAssignment('asg-1'))?.result?.failedAgents).toEqual([
      { userId: 'agent-uuid-002', reason: 'agent is locked' },
    ]);
    expect(typesOf(wfm.events)).toEqual(['agent.added', 'assignment.partially_applied']);
    expect(wfm.events.at(-1)?.data.failedAgents).toEqual([
      { userId: 'agent-uuid-002', reason: 'agent is locked' },
    ]);
  });

  it('reports agents dropped by load balancing and tells WFM', async () => {
    const { store, converger, wfm, dispatch, submit } = setup();
    converger.capacityLimit = 1;
    await dispatch(submit('asg-1', submission(2)));

    expect((await store.getAssignment('asg-1'))?.result).toMatchObject({
      active: ['agent-uuid-001'],
      inactive: ['agent-uuid-002'],
      dropped: ['agent-uuid-002'],
    });
    expect(typesOf(wfm.events)).toEqual([
      'agent.added',
      'agent.added',
      'campaign.agents_dropped',
      'assignment.applied',
    ]);
    expect(wfm.events[1]?.data).toMatchObject({ userId: 'agent-uuid-002', isActive: false });
    expect(wfm.events[2]?.data.droppedAgents).toEqual(['agent-uuid-002']);
  });

  it('ends an applied rebalance with campaign.rebalanced', async () => {
    const { wfm, dispatch, submit } = setup();
    expect(await dispatch(submit('rb-1', submission(1), 'rebalance'))).toMatchObject({ outcome: 'applied' });
    expect(typesOf(wfm.events)).toEqual(['agent.added', 'campaign.rebalanced']);
    expect(wfm.events.at(-1)?.data).toMatchObject({
      assignmentId: 'rb-1',
      status: 'applied',
      kind: 'rebalance',
    });
  });

  it('throws AssignmentNotFoundError (retried) for a message whose assignment is not stored yet', async () => {
    const { dispatch } = setup();
    await expect(dispatch(queuedRecord('asg-missing'))).rejects.toBeInstanceOf(AssignmentNotFoundError);
  });
});

describe('dispatchAssignment and membership', () => {
  const onSkill = (userId: string, isActive = true, proficiency = 1) => ({ userId, isActive, proficiency });

  it('managed: leaves a member added by hand alone, records it as foreign, audits it once and sends no event for it', async () => {
    const { store, converger, wfm, observer, dispatch, submit } = setup();
    converger.setState(SKILL_ID, [onSkill('supervisor-pick', true, 12)]);

    expect(await dispatch(submit('asg-1', submission(1)))).toMatchObject({ outcome: 'applied' });

    expect(converger.state(SKILL_ID)).toEqual([
      onSkill('agent-uuid-001'),
      onSkill('supervisor-pick', true, 12),
    ]);
    const state = await store.getCampaignState(CAMPAIGN_ID);
    expect(state?.lastApplied?.assignments).toEqual([onSkill('agent-uuid-001')]);
    expect(state?.lastApplied?.foreignAgents).toEqual([onSkill('supervisor-pick', true, 12)]);
    expect(state?.managedAgents).toEqual(['agent-uuid-001']);
    expect(observer.audits.filter((a) => a.action === 'skill.foreign_agents')).toEqual([
      expect.objectContaining({ foreignAgents: ['supervisor-pick'], membership: 'managed' }),
    ]);
    expect(wfm.events.map((event) => event.data.userId).filter(Boolean)).toEqual(['agent-uuid-001']);
  });

  it('managed: removes an agent a later desired state drops, then stops managing it, so a hand edit re-adding it stays', async () => {
    const { store, converger, dispatch, submit } = setup();
    await dispatch(submit('asg-1', submission(2)));
    await dispatch(submit('asg-2', submission(1)));
    expect(converger.state(SKILL_ID).map((m) => m.userId)).toEqual(['agent-uuid-001']);
    expect((await store.getCampaignState(CAMPAIGN_ID))?.managedAgents).toEqual(['agent-uuid-001']);

    converger.setState(SKILL_ID, [...converger.state(SKILL_ID), onSkill('agent-uuid-002', false, 7)]);
    await dispatch(submit('asg-3', submission(1, { callRateTarget: 9 })));

    expect(converger.state(SKILL_ID)).toContainEqual(onSkill('agent-uuid-002', false, 7));
    expect((await store.getCampaignState(CAMPAIGN_ID))?.lastApplied?.foreignAgents).toEqual([
      onSkill('agent-uuid-002', false, 7),
    ]);
  });

  it('records the desired agents as managed before CXone is written, so a cut-short dispatch cannot lose one', async () => {
    const { store, converger, dispatch, submit } = setup();
    submit('asg-1', submission(2));
    // The first delivery wrote CXone, then the invocation ended before anything else was recorded.
    converger.setState(SKILL_ID, [onSkill('agent-uuid-001'), onSkill('agent-uuid-002')]);
    converger.failNext(new RetryLaterError('timed out'));
    await expect(
      dispatch(queuedRecord('asg-1', submission(2), { submittedAt: SUBMITTED })),
    ).rejects.toThrow();
    expect((await store.getCampaignState(CAMPAIGN_ID))?.managedAgents).toEqual([
      'agent-uuid-001',
      'agent-uuid-002',
    ]);

    // A newer desired state without agent-uuid-002 supersedes it: the agent is still the campaign's, and removed.
    await dispatch(submit('asg-2', submission(1)));
    expect(converger.state(SKILL_ID).map((m) => m.userId)).toEqual(['agent-uuid-001']);
  });

  it('a campaign switched from managed to exclusive removes the foreign members on its next dispatch, audited', async () => {
    const { store, converger, wfm, observer, dispatch, submit, usePolicy } = setup();
    converger.setState(SKILL_ID, [onSkill('supervisor-pick', true, 12)]);
    await dispatch(submit('asg-1', submission(1)));
    expect(converger.state(SKILL_ID).map((m) => m.userId)).toContain('supervisor-pick');

    usePolicy(policyWith({ membership: 'exclusive' }));
    wfm.batches.length = 0;
    expect(await dispatch(submit('asg-2', submission(1, { callRateTarget: 9 })))).toMatchObject({
      outcome: 'applied',
    });

    expect(converger.calls.at(-1)?.scope.mode).toBe('exclusive');
    expect(converger.state(SKILL_ID)).toEqual([onSkill('agent-uuid-001')]);
    expect((await store.getAssignment('asg-2'))?.result?.removed).toEqual(['supervisor-pick']);
    expect(observer.audits).toContainEqual(
      expect.objectContaining({
        action: 'agent.removed',
        assignmentId: 'asg-2',
        userId: 'supervisor-pick',
        reason: 'not one of the campaign’s agents, and the membership is exclusive',
      }),
    );
    expect(typesOf(wfm.events)).toEqual(['agent.removed', 'assignment.applied']);
    expect(wfm.events[0]?.data.userId).toBe('supervisor-pick');
    expect((await store.getCampaignState(CAMPAIGN_ID))?.lastApplied?.foreignAgents).toEqual([]);
  });

  it('exclusive: members hidden from the access key end the assignment partially_applied, saying why', async () => {
    const { store, converger, wfm, observer, dispatch, submit, usePolicy } = setup();
    usePolicy(policyWith({ membership: 'exclusive' }));
    converger.hiddenAgents = 2;

    expect(await dispatch(submit('asg-1', submission(1)))).toMatchObject({ outcome: 'partially_applied' });

    const stored = await store.getAssignment('asg-1');
    expect(stored?.result).toMatchObject({ hiddenAgents: 2, failedAgents: [] });
    expect(stored?.error).toMatch(/exclusive membership: 2 member\(s\) of skill 4501234 are hidden/);
    expect(wfm.events.at(-1)?.data).toMatchObject({ hiddenAgents: 2, error: stored?.error });
    expect(observer.audits).toContainEqual(
      expect.objectContaining({ action: 'skill.hidden_agents', hiddenAgents: 2 }),
    );
  });

  it('managed: hidden members are reported but the assignment is applied', async () => {
    const { store, converger, wfm, dispatch, submit } = setup();
    converger.hiddenAgents = 1;
    expect(await dispatch(submit('asg-1', submission(1)))).toMatchObject({ outcome: 'applied' });
    expect((await store.getAssignment('asg-1'))?.result?.hiddenAgents).toBe(1);
    expect(wfm.events.at(-1)?.data).toMatchObject({ hiddenAgents: 1 });
  });
});
