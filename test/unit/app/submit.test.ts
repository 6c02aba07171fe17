import { describe, expect, it } from 'vitest';
import { IDEMPOTENCY_TAKEOVER_MS } from '../../../lib/app/idempotency.ts';
import { type SubmitDeps, type SubmitRequest, submitAssignment } from '../../../lib/app/submit.ts';
import { FixedClock } from '../../support/clock.ts';
import {
  agent,
  CAMPAIGN_ID,
  MORNING,
  OTHER_CAMPAIGN_ID,
  OTHER_POLICY,
  POLICY,
  submission,
} from '../../support/fixtures.ts';
import { InMemoryAssignmentStore } from '../../support/in-memory-store.ts';
import { QueueUnavailableError, RecordingDispatchQueue } from '../../support/recording-queues.ts';

const POLICIES = new Map([
  [CAMPAIGN_ID, POLICY],
  [OTHER_CAMPAIGN_ID, OTHER_POLICY],
]);

function setup() {
  const store = new InMemoryAssignmentStore();
  const queue = new RecordingDispatchQueue();
  const clock = new FixedClock(MORNING);
  let ids = 0;
  const deps: SubmitDeps = {
    store,
    queue,
    clock,
    policyFor: async (campaignId) => POLICIES.get(campaignId),
    newId: () => `asg-${++ids}`,
  };
  const submit = (body: unknown, request: Partial<SubmitRequest> = {}) =>
    submitAssignment(deps, { campaignId: CAMPAIGN_ID, body, dryRun: false, ...request });
  return { store, queue, clock, submit };
}

describe('submitAssignment', () => {
  it('refuses a campaign without a policy and stores nothing', async () => {
    const { store, queue, submit } = setup();
    expect(await submit(submission(), { campaignId: 'no-such-campaign' })).toEqual({
      kind: 'unknown_campaign',
    });
    expect(store.assignments.size).toBe(0);
    expect(queue.messages).toEqual([]);
  });

  it('refuses an invalid body with every validation error at once and stores nothing', async () => {
    const { store, queue, submit } = setup();
    const body = {
      agents: [
        agent('agent-uuid-001', {
          availabilityWindow: { start: '09:00', end: '17:00', timezone: 'Europe/Paris' },
        }),
        agent('agent-uuid-002', { skills: ['sales'], maxConcurrentCalls: 5 }),
        { ...agent('agent-uuid-003'), nickname: 'x' },
      ],
    };
    const outcome = await submit(body);
    if (outcome.kind !== 'invalid') throw new Error(`expected invalid, got ${outcome.kind}`);
    expect(outcome.issues.map((e) => [e.path, e.code])).toEqual([
      ['agents[0].availabilityWindow.timezone', 'timezone_not_allowed'],
      ['agents[1].skills', 'missing_required_skill'],
      ['agents[1].maxConcurrentCalls', 'max_concurrent_calls_exceeded'],
      ['agents[2].nickname', 'unrecognized_keys'],
    ]);
    expect(store.assignments.size).toBe(0);
    expect(queue.messages).toEqual([]);
  });

  it.each([
    ['empty', ''],
    ['with a space', 'key with space'],
    ['too long', 'k'.repeat(256)],
    ['non-ASCII', 'clé'],
  ])('refuses an Idempotency-Key that is %s', async (_label, idempotencyKey) => {
    const { store, submit } = setup();
    expect(await submit(submission(), { idempotencyKey })).toEqual({ kind: 'invalid_idempotency_key' });
    expect(store.assignments.size).toBe(0);
  });

  it('dryRun answers the plan for now, per agent, and stores or queues nothing', async () => {
    const { store, queue, submit } = setup();
    const body = {
      agents: [
        agent('agent-uuid-001'),
        agent('agent-uuid-002', {
          availabilityWindow: { start: '12:00', end: '17:00', timezone: 'America/New_York' },
        }),
        agent('agent-uuid-003', { recentCallRate: 8 }),
      ],
    };
    const outcome = await submit(body, { dryRun: true, idempotencyKey: 'dry-1' });
    expect(outcome).toEqual({
      kind: 'plan',
      plan: {
        campaignId: CAMPAIGN_ID,
        evaluatedAt: MORNING.toISOString(),
        agents: [
          {
            userId: 'agent-uuid-001',
            active: true,
            reason: 'active',
            overlapMinutes: 480,
            capacityScore: 1,
            proficiency: 1,
          },
          {
            userId: 'agent-uuid-002',
            active: false,
            reason: 'outside_agent_window',
            overlapMinutes: 300,
            capacityScore: 1,
            proficiency: 1,
          },
          {
            userId: 'agent-uuid-003',
            active: false,
            reason: 'under_capacity_threshold',
            overlapMinutes: 480,
            capacityScore: expect.closeTo(0.0588, 3),
            proficiency: 5,
          },
        ],
      },
    });
    expect(store.assignments.size).toBe(0);
    expect(store.campaigns.size).toBe(0);
    expect(store.idempotency.size).toBe(0);
    expect(queue.messages).toEqual([]);
  });

  it('accepts, stores the assignment as the desired state and queues it for the campaign', async () => {
    const { store, queue, submit } = setup();
    const body = submission(2);
    const outcome = await submit(body);

    expect(outcome).toEqual({
      kind: 'accepted',
      replayed: false,
      accepted: { assignmentId: 'asg-1', campaignId: CAMPAIGN_ID, status: 'queued', agents: 2 },
    });
    // The message carries the campaign: the FIFO adapter makes it the MessageGroupId, so a campaign's changes stay
    // in order; the assignment id is the deduplication id.
    expect(queue.messages).toEqual([
      {
        assignmentId: 'asg-1',
        campaignId: CAMPAIGN_ID,
        kind: 'submission',
        enqueuedAt: MORNING.toISOString(),
      },
    ]);
    expect(await store.getAssignment('asg-1')).toEqual({
      assignmentId: 'asg-1',
      campaignId: CAMPAIGN_ID,
      kind: 'submission',
      status: 'queued',
      submittedAt: MORNING.toISOString(),
      updatedAt: MORNING.toISOString(),
      agentsRequested: 2,
      desired: body,
      enqueuedAt: MORNING.toISOString(),
    });
    expect(await store.getCampaignState(CAMPAIGN_ID)).toEqual({
      campaignId: CAMPAIGN_ID,
      latestAssignmentId: 'asg-1',
      desired: body,
      submittedAt: MORNING.toISOString(),
    });
  });

  it('makes each new submission the latest desired state of its campaign', async () => {
    const { store, queue, submit } = setup();
    await submit(submission(1));
    await submit(submission(3));
    expect((await store.getCampaignState(CAMPAIGN_ID))?.latestAssignmentId).toBe('asg-2');
    expect(queue.messages.map((m) => m.assignmentId)).toEqual(['asg-1', 'asg-2']);
  });

  it('replays the same key with the same body with the same assignment and no second message', async () => {
    const { store, queue, clock, submit } = setup();
    const first = await submit(
      { callRateTarget: 8.5, agents: [agent('agent-uuid-001')] },
      { idempotencyKey: 'k-1' },
    );
    clock.advance(5 * 60_000);
    // The same JSON with another key order is the same body.
    const again = await submit(
      { agents: [agent('agent-uuid-001')], callRateTarget: 8.5 },
      { idempotencyKey: 'k-1' },
    );

    expect(first).toMatchObject({ kind: 'accepted', replayed: false });
    expect(again).toEqual({
      kind: 'accepted',
      replayed: true,
      accepted: { assignmentId: 'asg-1', campaignId: CAMPAIGN_ID, status: 'queued', agents: 1 },
    });
    expect(queue.messages).toHaveLength(1);
    expect(store.assignments.size).toBe(1);
  });

  it('refuses the same key with another body and changes nothing', async () => {
    const { store, queue, submit } = setup();
    await submit(submission(1), { idempotencyKey: 'k-1' });
    const outcome = await submit(submission(2), { idempotencyKey: 'k-1' });

    expect(outcome).toEqual({ kind: 'idempotency_key_reused' });
    expect(queue.messages).toHaveLength(1);
    expect(store.assignments.size).toBe(1);
    expect((await store.getCampaignState(CAMPAIGN_ID))?.desired).toEqual(submission(1));
  });

  it('scopes idempotency keys to the campaign', async () => {
    const { queue, submit } = setup();
    await submit(submission(1), { idempotencyKey: 'k-1' });
    const other = await submit(submission(1), { idempotencyKey: 'k-1', campaignId: OTHER_CAMPAIGN_ID });
    expect(other).toMatchObject({ kind: 'accepted', replayed: false, accepted: { assignmentId: 'asg-2' } });
    expect(queue.messages.map((m) => m.campaignId)).toEqual([CAMPAIGN_ID, OTHER_CAMPAIGN_ID]);
  });

  it('refuses while the first request with the key is still in flight (stored, not yet queued)', async () => {
    const { queue, clock, submit } = setup();
    queue.failNext();
    await expect(submit(submission(1), { idempotencyKey: 'k-1' })).rejects.toBeInstanceOf(
      QueueUnavailableError,
    );

    clock.advance(IDEMPOTENCY_TAKEOVER_MS - 1);
    expect(await submit(submission(1), { idempotencyKey: 'k-1' })).toEqual({
      kind: 'idempotency_key_in_flight',
    });
    expect(queue.messages).toEqual([]);
  });

  it('takes a stalled submission over after 30 s: queues the stored assignment once, then replays it', async () => {
    const { store, queue, clock, submit } = setup();
    queue.failNext();
    await expect(submit(submission(1), { idempotencyKey: 'k-1' })).rejects.toThrow();

    clock.advance(IDEMPOTENCY_TAKEOVER_MS);
    const takeover = await submit(submission(1), { idempotencyKey: 'k-1' });
    expect(takeover).toEqual({
      kind: 'accepted',
      replayed: false,
      accepted: { assignmentId: 'asg-1', campaignId: CAMPAIGN_ID, status: 'queued', agents: 1 },
    });
    const takenOverAt = new Date(MORNING.getTime() + IDEMPOTENCY_TAKEOVER_MS).toISOString();
    expect(queue.messages).toEqual([
      { assignmentId: 'asg-1', campaignId: CAMPAIGN_ID, kind: 'submission', enqueuedAt: takenOverAt },
    ]);
    expect((await store.getAssignment('asg-1'))?.enqueuedAt).toBe(takenOverAt);
    expect(store.assignments.size).toBe(1);

    const replay = await submit(submission(1), { idempotencyKey: 'k-1' });
    expect(replay).toMatchObject({ kind: 'accepted', replayed: true, accepted: { assignmentId: 'asg-1' } });
    expect(queue.messages).toHaveLength(1);
  });
});
