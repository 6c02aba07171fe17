import { describe, expect, it } from 'vitest';
import { agentChanges, buildFinalEvents, type FinalEventInput } from '../../../lib/app/events.ts';
import type { SkillAssignment } from '../../../lib/domain/types.ts';
import { WfmEventSchema } from '../../../lib/wfm/cloudevents.ts';
import { CAMPAIGN_ID, MORNING, queuedRecord } from '../../support/fixtures.ts';

const on = (userId: string, isActive: boolean, proficiency = 1): SkillAssignment => ({
  userId,
  isActive,
  proficiency,
});

describe('agentChanges', () => {
  it('reports additions, removals, (de)activations and proficiency-only updates, sorted by userId', () => {
    const before = [on('d', true), on('b', true, 1), on('c', false), on('e', true, 2)];
    const after = [on('a', true), on('b', true, 3), on('c', true), on('e', false, 2)];
    expect(agentChanges(before, after)).toEqual([
      { change: 'added', userId: 'a', isActive: true, proficiency: 1 },
      { change: 'updated', userId: 'b', isActive: true, proficiency: 3 },
      { change: 'activated', userId: 'c', isActive: true, proficiency: 1 },
      { change: 'removed', userId: 'd' },
      { change: 'deactivated', userId: 'e', isActive: false, proficiency: 2 },
    ]);
  });

  it('reports nothing for the same state in another order', () => {
    expect(agentChanges([on('a', true), on('b', false)], [on('b', false), on('a', true)])).toEqual([]);
  });
});

describe('buildFinalEvents', () => {
  const base: FinalEventInput = {
    record: queuedRecord('asg-1'),
    status: 'applied',
    time: MORNING,
    changes: [
      { change: 'added', userId: 'agent-uuid-001', isActive: true, proficiency: 1 },
      { change: 'updated', userId: 'agent-uuid-002', isActive: true, proficiency: 2 },
    ],
    dropped: [],
    firstSequence: 41,
    latencyMs: 900,
    callRateTarget: 8.5,
    details: { failedAgents: [] },
  };

  it('builds valid CloudEvents: per-agent events with consecutive sequences, then the final event', () => {
    const events = buildFinalEvents(base);
    for (const event of events) expect(WfmEventSchema.safeParse(event).success).toBe(true);
    expect(events.map((e) => [e.type, e.subject, e.data.sequence])).toEqual([
      ['com.cxone-assignments.agent.added', 'agent-uuid-001', 41],
      ['com.cxone-assignments.agent.updated', 'agent-uuid-002', 42],
      ['com.cxone-assignments.assignment.applied', 'asg-1', undefined],
    ]);
    expect(events[1]?.data).toMatchObject({
      assignmentId: 'asg-1',
      campaignId: CAMPAIGN_ID,
      status: 'applied',
      userId: 'agent-uuid-002',
      isActive: true,
      proficiency: 2,
      latencyMs: 900,
      callRateTarget: 8.5,
    });
    expect(events[2]?.time).toBe(MORNING.toISOString());
    expect(events[2]?.data).toEqual({
      assignmentId: 'asg-1',
      campaignId: CAMPAIGN_ID,
      status: 'applied',
      latencyMs: 900,
      callRateTarget: 8.5,
      kind: 'submission',
      failedAgents: [],
    });
  });

  it('gives the same ids when the same outcome is built again (retries keep webhook-id)', () => {
    const ids = buildFinalEvents(base).map((e) => e.id);
    expect(
      buildFinalEvents({ ...base, time: new Date(MORNING.getTime() + 60_000) }).map((e) => e.id),
    ).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    const otherAssignment = buildFinalEvents({ ...base, record: queuedRecord('asg-2') }).map((e) => e.id);
    expect(otherAssignment.filter((id) => ids.includes(id))).toEqual([]);
  });

  it('adds campaign.agents_dropped before the final event when load balancing dropped agents', () => {
    const events = buildFinalEvents({ ...base, changes: [], dropped: ['agent-uuid-007'] });
    expect(events.map((e) => e.type)).toEqual([
      'com.cxone-assignments.campaign.agents_dropped',
      'com.cxone-assignments.assignment.applied',
    ]);
    expect(events[0]?.data.droppedAgents).toEqual(['agent-uuid-007']);
  });

  it('ends an applied rebalance with campaign.rebalanced, any other rebalance outcome with assignment.<status>', () => {
    const rebalance = { ...queuedRecord('rb-1'), kind: 'rebalance' as const };
    const finalType = (status: FinalEventInput['status']) =>
      buildFinalEvents({ ...base, record: rebalance, status, changes: [] }).at(-1)?.type;
    expect(finalType('applied')).toBe('com.cxone-assignments.campaign.rebalanced');
    expect(finalType('partially_applied')).toBe('com.cxone-assignments.campaign.rebalanced');
    expect(finalType('failed')).toBe('com.cxone-assignments.assignment.failed');
    expect(finalType('superseded')).toBe('com.cxone-assignments.assignment.superseded');
  });
});
