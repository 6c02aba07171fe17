import { describe, expect, it } from 'vitest';
import {
  buildAgentEvent,
  buildAssignmentEvent,
  buildCampaignEvent,
  buildDriftDetectedEvent,
  buildEndpointDisabledEvent,
  buildPolicyChangedEvent,
  buildWfmEvent,
  serializeWfmEvent,
  WfmEventSchema,
  WfmEventTypeSchema,
  wfmEventId,
} from '../../../lib/wfm/cloudevents.ts';

const CAMPAIGN = '12345678-1234-1234-1234-123456789012';
const TIME = new Date('2025-03-09T14:30:00.123Z');

describe('event types', () => {
  it('are exactly the ones in docs/events.md', () => {
    expect([...WfmEventTypeSchema.options].sort()).toEqual(
      [
        'com.cxone-assignments.assignment.applied',
        'com.cxone-assignments.assignment.partially_applied',
        'com.cxone-assignments.assignment.rejected',
        'com.cxone-assignments.assignment.failed',
        'com.cxone-assignments.assignment.superseded',
        'com.cxone-assignments.agent.activated',
        'com.cxone-assignments.agent.deactivated',
        'com.cxone-assignments.agent.added',
        'com.cxone-assignments.agent.removed',
        'com.cxone-assignments.agent.updated',
        'com.cxone-assignments.campaign.rebalanced',
        'com.cxone-assignments.campaign.agents_dropped',
        'com.cxone-assignments.campaign.policy_changed',
        'com.cxone-assignments.campaign.drift_detected',
        'com.cxone-assignments.endpoint.disabled',
      ].sort(),
    );
  });

  it('has none for a status that is not final, nor for an unknown change', () => {
    for (const type of ['com.cxone-assignments.assignment.queued', 'com.cxone-assignments.agent.renamed']) {
      expect(WfmEventTypeSchema.safeParse(type).success).toBe(false);
      expect(() =>
        buildWfmEvent({
          type: type as never,
          source: '/test',
          time: TIME,
          data: { assignmentId: 'asg-1', campaignId: CAMPAIGN, status: 'queued' },
        }),
      ).toThrow();
    }
  });
});

describe('buildAssignmentEvent', () => {
  it('builds a CloudEvents 1.0 structured event with the original spec fields in data', () => {
    const event = buildAssignmentEvent({
      assignmentId: 'asg-1',
      campaignId: CAMPAIGN,
      status: 'applied',
      latencyMs: 842,
      callRateTarget: 8.5,
      time: TIME,
    });
    expect(event).toEqual({
      specversion: '1.0',
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      source: `/cxone-assignments/campaigns/${CAMPAIGN}`,
      type: 'com.cxone-assignments.assignment.applied',
      subject: 'asg-1',
      time: '2025-03-09T14:30:00.123Z',
      datacontenttype: 'application/json',
      data: {
        assignmentId: 'asg-1',
        campaignId: CAMPAIGN,
        status: 'applied',
        latencyMs: 842,
        callRateTarget: 8.5,
      },
    });
  });

  it('gives the same id when the same event is built again (a retried dispatch), another for another event', () => {
    const input = { assignmentId: 'asg-1', campaignId: CAMPAIGN, status: 'failed' as const, time: TIME };
    const first = buildAssignmentEvent(input);
    expect(buildAssignmentEvent({ ...input, time: new Date() }).id).toBe(first.id);
    expect(buildAssignmentEvent({ ...input, status: 'rejected' }).id).not.toBe(first.id);
    expect(buildAssignmentEvent({ ...input, assignmentId: 'asg-2' }).id).not.toBe(first.id);
  });

  it('keeps a given id and source, omits unknown latency and call rate, and adds details', () => {
    const event = buildAssignmentEvent({
      assignmentId: 'asg-1',
      campaignId: CAMPAIGN,
      status: 'partially_applied',
      details: { failedAgents: [{ userId: 'agent-uuid-007', code: 'CAPACITY' }], status: 'overridden?' },
      id: 'evt_custom-1',
      source: 'urn:test',
      time: TIME,
    });
    expect(event.id).toBe('evt_custom-1');
    expect(event.source).toBe('urn:test');
    expect(event.data).toEqual({
      assignmentId: 'asg-1',
      campaignId: CAMPAIGN,
      status: 'partially_applied',
      failedAgents: [{ userId: 'agent-uuid-007', code: 'CAPACITY' }],
    });
  });

  it('refuses an id the webhook-id header cannot carry', () => {
    const input = { assignmentId: 'a', campaignId: 'c', status: 'applied' as const, time: TIME };
    expect(() => buildAssignmentEvent({ ...input, id: 'has.dot' })).toThrow();
    expect(() => buildAssignmentEvent({ ...input, id: '' })).toThrow();
  });
});

describe('buildAgentEvent', () => {
  it('carries userId and sequence, subject = userId', () => {
    const event = buildAgentEvent({
      change: 'deactivated',
      assignmentId: 'asg-9',
      campaignId: CAMPAIGN,
      status: 'applied',
      userId: 'agent-uuid-042',
      sequence: 17,
      callRateTarget: 8.5,
      details: { isActive: false, reason: 'outside_agent_window' },
      time: TIME,
    });
    expect(event.type).toBe('com.cxone-assignments.agent.deactivated');
    expect(event.subject).toBe('agent-uuid-042');
    expect(event.data).toEqual({
      assignmentId: 'asg-9',
      campaignId: CAMPAIGN,
      status: 'applied',
      callRateTarget: 8.5,
      userId: 'agent-uuid-042',
      sequence: 17,
      isActive: false,
      reason: 'outside_agent_window',
    });
  });

  it('gives distinct ids per agent and per change within one assignment', () => {
    const base = {
      assignmentId: 'asg-9',
      campaignId: CAMPAIGN,
      status: 'applied' as const,
      sequence: 1,
      time: TIME,
    };
    const a = buildAgentEvent({ ...base, change: 'activated', userId: 'u1' }).id;
    const b = buildAgentEvent({ ...base, change: 'activated', userId: 'u2' }).id;
    const c = buildAgentEvent({ ...base, change: 'added', userId: 'u1' }).id;
    expect(new Set([a, b, c]).size).toBe(3);
  });

  it('refuses a negative or fractional sequence', () => {
    const base = { change: 'added' as const, assignmentId: 'a', campaignId: 'c', status: 'applied' as const };
    expect(() => buildAgentEvent({ ...base, userId: 'u', sequence: -1, time: TIME })).toThrow();
    expect(() => buildAgentEvent({ ...base, userId: 'u', sequence: 1.5, time: TIME })).toThrow();
  });
});

describe('buildCampaignEvent', () => {
  it('builds agents_dropped with the dropped agents in data', () => {
    const event = buildCampaignEvent({
      change: 'agents_dropped',
      assignmentId: 'asg-3',
      campaignId: CAMPAIGN,
      status: 'partially_applied',
      details: { droppedAgents: ['agent-uuid-050'], limit: 49 },
      time: TIME,
    });
    expect(event.type).toBe('com.cxone-assignments.campaign.agents_dropped');
    expect(event.data.droppedAgents).toEqual(['agent-uuid-050']);
    expect(event.data.status).toBe('partially_applied');
  });
});

describe('buildDriftDetectedEvent', () => {
  const differences = [{ userId: 'u1', kind: 'missing', expected: { isActive: true, proficiency: 1 } }];

  it('carries the differences and hidden members, subject = campaignId, and whether a repair was queued', () => {
    const reported = buildDriftDetectedEvent({
      campaignId: CAMPAIGN,
      differences,
      hiddenAgents: 2,
      checkedAt: TIME,
    });
    expect(reported).toMatchObject({
      type: 'com.cxone-assignments.campaign.drift_detected',
      subject: CAMPAIGN,
      data: { campaignId: CAMPAIGN, differences, hiddenAgents: 2, repairQueued: false },
    });
    expect(reported.data).not.toHaveProperty('assignmentId');
    const repaired = buildDriftDetectedEvent({
      campaignId: CAMPAIGN,
      differences,
      hiddenAgents: 0,
      assignmentId: 'asg-7',
      checkedAt: TIME,
    });
    expect(repaired.data).toMatchObject({ repairQueued: true, assignmentId: 'asg-7', status: 'queued' });
    expect(WfmEventSchema.parse(JSON.parse(serializeWfmEvent(repaired)))).toEqual(repaired);
    expect(repaired.id).toBe(reported.id);
    const later = buildDriftDetectedEvent({
      campaignId: CAMPAIGN,
      differences,
      hiddenAgents: 0,
      checkedAt: new Date(TIME.getTime() + 60_000),
    });
    expect(later.id).not.toBe(reported.id);
  });

  it('is refused without a campaignId', () => {
    const event = buildDriftDetectedEvent({
      campaignId: CAMPAIGN,
      differences,
      hiddenAgents: 0,
      checkedAt: TIME,
    });
    const { campaignId: _, ...data } = event.data;
    expect(WfmEventSchema.safeParse({ ...event, data }).success).toBe(false);
  });
});

describe('buildPolicyChangedEvent', () => {
  it('carries both versions and the changed fields, subject = campaignId, without an assignment', () => {
    const event = buildPolicyChangedEvent({
      campaignId: CAMPAIGN,
      previousVersion: 3,
      version: 4,
      changedFields: ['maxAgents'],
      time: TIME,
    });
    expect(event).toMatchObject({
      type: 'com.cxone-assignments.campaign.policy_changed',
      subject: CAMPAIGN,
      source: `/cxone-assignments/campaigns/${CAMPAIGN}`,
      data: { campaignId: CAMPAIGN, previousVersion: 3, version: 4, changedFields: ['maxAgents'] },
    });
    expect(event.data).not.toHaveProperty('assignmentId');
    expect(event.data).not.toHaveProperty('status');
    expect(WfmEventSchema.parse(JSON.parse(serializeWfmEvent(event)))).toEqual(event);
  });

  it('names the queued re-plan, marks a deletion, and gives each change its own stable id', () => {
    const replan = buildPolicyChangedEvent({
      campaignId: CAMPAIGN,
      version: 1,
      changedFields: [],
      assignmentId: 'asg-9',
      time: TIME,
    });
    expect(replan.data).toMatchObject({ assignmentId: 'asg-9', status: 'queued', version: 1 });
    const deleted = buildPolicyChangedEvent({
      campaignId: CAMPAIGN,
      previousVersion: 1,
      changedFields: [],
      time: TIME,
    });
    expect(deleted.data).toEqual({
      campaignId: CAMPAIGN,
      previousVersion: 1,
      deleted: true,
      changedFields: [],
    });
    const again = buildPolicyChangedEvent({
      campaignId: CAMPAIGN,
      previousVersion: 1,
      changedFields: [],
      time: TIME,
    });
    expect(again.id).toBe(deleted.id);
    expect(new Set([replan.id, deleted.id]).size).toBe(2);
  });

  it('is the only event that may come without an assignmentId and a status', () => {
    expect(() =>
      buildWfmEvent({
        type: 'com.cxone-assignments.campaign.rebalanced',
        source: '/test',
        time: TIME,
        data: { campaignId: CAMPAIGN },
      }),
    ).toThrow(/carry assignmentId[\s\S]*carry status/);
  });
});

describe('buildWfmEvent', () => {
  it('uses a random UUID when no id is given', () => {
    const input = {
      type: 'com.cxone-assignments.campaign.rebalanced' as const,
      source: '/x',
      data: { assignmentId: 'a', campaignId: 'c', status: 'applied' as const },
      time: TIME,
    };
    const a = buildWfmEvent(input);
    const b = buildWfmEvent(input);
    expect(a.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.id).not.toBe(b.id);
    expect(a).not.toHaveProperty('subject');
  });
});

describe('WfmEventSchema', () => {
  const valid = buildAgentEvent({
    change: 'activated',
    assignmentId: 'asg-1',
    campaignId: CAMPAIGN,
    status: 'applied',
    userId: 'agent-uuid-001',
    sequence: 3,
    latencyMs: 120,
    time: TIME,
  });

  it('parses the serialised event back to the same event (the queue message body)', () => {
    const text = serializeWfmEvent(valid);
    expect(WfmEventSchema.parse(JSON.parse(text))).toEqual(valid);
    expect(serializeWfmEvent(WfmEventSchema.parse(JSON.parse(text)))).toBe(text);
  });

  it.each([
    ['an unknown type', { ...valid, type: 'com.cxone-assignments.assignment.created' }],
    ['another specversion', { ...valid, specversion: '0.3' }],
    ['another content type', { ...valid, datacontenttype: 'text/plain' }],
    ['a time without offset', { ...valid, time: '2025-03-09T14:30:00' }],
    ['an unknown top-level attribute', { ...valid, extra: 1 }],
    ['an agent event without userId', { ...valid, data: { ...valid.data, userId: undefined } }],
    ['an agent event without sequence', { ...valid, data: { ...valid.data, sequence: undefined } }],
    ['an unknown status', { ...valid, data: { ...valid.data, status: 'done' } }],
    ['a negative latency', { ...valid, data: { ...valid.data, latencyMs: -1 } }],
    ['a zero callRateTarget', { ...valid, data: { ...valid.data, callRateTarget: 0 } }],
    ['no campaignId', { ...valid, data: { ...valid.data, campaignId: undefined } }],
    [
      'an assignment type whose status differs',
      {
        ...valid,
        type: 'com.cxone-assignments.assignment.failed',
        data: { ...valid.data, status: 'applied' },
      },
    ],
  ])('refuses %s', (_, event) => {
    expect(WfmEventSchema.safeParse(JSON.parse(JSON.stringify(event))).success).toBe(false);
  });
});

describe('wfmEventId', () => {
  it('is a deterministic UUIDv8 whose parts cannot be confused by joining', () => {
    expect(wfmEventId('a', 'b')).toBe(wfmEventId('a', 'b'));
    expect(wfmEventId('a', 'b')).not.toBe(wfmEventId('ab'));
    expect(wfmEventId('a.b', 'c')).not.toBe(wfmEventId('a', 'b.c'));
    expect(wfmEventId('x')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('endpoint.disabled', () => {
  const disabledAt = new Date('2025-03-10T12:00:00Z');

  it('carries the endpoint, why it was disabled and when, with one id per endpoint and disabling', () => {
    const event = buildEndpointDisabledEvent({
      endpointId: 'ep_0193c2a1f0b24c7d9e8f1a2b',
      description: 'WFM A',
      reason: 'failing',
      disabledAt,
      failingSince: new Date('2025-03-05T12:00:00Z'),
    });
    expect(event).toMatchObject({
      type: 'com.cxone-assignments.endpoint.disabled',
      subject: 'ep_0193c2a1f0b24c7d9e8f1a2b',
      time: disabledAt.toISOString(),
      data: {
        endpointId: 'ep_0193c2a1f0b24c7d9e8f1a2b',
        description: 'WFM A',
        reason: 'failing',
        disabledAt: disabledAt.toISOString(),
        failingSince: '2025-03-05T12:00:00.000Z',
      },
    });
    const again = buildEndpointDisabledEvent({
      endpointId: 'ep_0193c2a1f0b24c7d9e8f1a2b',
      description: 'WFM A',
      reason: 'failing',
      disabledAt,
    });
    expect(again.id).toBe(event.id);
    expect(WfmEventSchema.parse(JSON.parse(serializeWfmEvent(event)))).toEqual(event);
  });

  it('is refused without its endpoint fields, and other events still need their assignment fields', () => {
    const endpointEvent = {
      specversion: '1.0',
      id: 'e-1',
      source: '/x',
      type: 'com.cxone-assignments.endpoint.disabled',
      time: disabledAt.toISOString(),
      datacontenttype: 'application/json',
      data: { endpointId: 'ep_1', reason: 'tired' },
    };
    const refused = WfmEventSchema.safeParse(endpointEvent);
    expect(refused.error?.issues.map((issue) => issue.path.join('.')).sort()).toEqual([
      'data.description',
      'data.disabledAt',
      'data.reason',
    ]);
    const assignment = { ...endpointEvent, type: 'com.cxone-assignments.assignment.applied', data: {} };
    const paths = WfmEventSchema.safeParse(assignment).error?.issues.map((issue) => issue.path.join('.'));
    expect([...new Set(paths)].sort()).toEqual(['data.assignmentId', 'data.campaignId', 'data.status']);
  });
});
