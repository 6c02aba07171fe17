// When the dispatcher lets the converger write from the campaign's last applied state instead of reading CXone first.
import { describe, expect, it } from 'vitest';
import { type DispatchDeps, dispatchAssignment } from '../../../lib/app/dispatch.ts';
import type { AssignmentRecord } from '../../../lib/app/model.ts';
import type { CampaignPolicy } from '../../../lib/domain/schemas.ts';
import { FixedClock } from '../../support/clock.ts';
import { FakeCampaignConverger } from '../../support/fake-converger.ts';
import {
  CAMPAIGN_ID,
  MORNING,
  POLICY,
  policyWith,
  queuedRecord,
  submission,
} from '../../support/fixtures.ts';
import { InMemoryAssignmentStore } from '../../support/in-memory-store.ts';
import { RecordingObserver } from '../../support/recording-observer.ts';
import { RecordingWfmEventQueue } from '../../support/recording-queues.ts';

const MINUTE = 60_000;

function setup(policy: CampaignPolicy = POLICY) {
  const store = new InMemoryAssignmentStore();
  const converger = new FakeCampaignConverger();
  const observer = new RecordingObserver();
  const clock = new FixedClock(MORNING);
  const deps: DispatchDeps = {
    store,
    converger,
    wfm: new RecordingWfmEventQueue(),
    clock,
    observer,
    policyFor: async (campaignId) => (campaignId === CAMPAIGN_ID ? policy : undefined),
  };
  let n = 0;
  /** Submits and dispatches the next desired state now; answers the trusted picture the converger was given. */
  const next = async (agents: number, options: Partial<AssignmentRecord> = {}) => {
    n++;
    const record = queuedRecord(`asg-${n}`, submission(agents), {
      submittedAt: clock.now(),
      kind: options.kind ?? 'submission',
    });
    const lastApplied = store.campaigns.get(CAMPAIGN_ID)?.lastApplied;
    store.seed({ ...record, ...options }, lastApplied ? { lastApplied } : {});
    await dispatchAssignment(
      deps,
      { assignmentId: record.assignmentId, campaignId: CAMPAIGN_ID, kind: record.kind, enqueuedAt: '' },
      {
        receiveCount: 1,
        maxReceiveCount: 5,
        sentAt: clock.now().getTime(),
        deadline: clock.now().getTime() + 55_000,
      },
    );
    return converger.calls.at(-1)?.trusted;
  };
  const driftCheck = (inSync: boolean, skillId = policy.cxoneSkillId) =>
    store.recordDriftCheck(CAMPAIGN_ID, { checkedAt: clock.now().toISOString(), skillId, inSync });
  return { store, converger, observer, clock, next, driftCheck };
}

const onSkill = (count: number) =>
  Array.from({ length: count }, (_, i) => ({
    userId: `agent-uuid-${String(i + 1).padStart(3, '0')}`,
    isActive: true,
    proficiency: 1,
  }));

describe('the trusted picture', () => {
  it('is the last applied state (own and foreign members) after a clean drift check, both recent', async () => {
    const { converger, clock, next, driftCheck } = setup();
    converger.setState(POLICY.cxoneSkillId, [{ userId: 'by-hand', isActive: true, proficiency: 4 }]);
    expect(await next(1)).toBeUndefined(); // nothing applied yet
    clock.advance(MINUTE);
    await driftCheck(true);
    clock.advance(MINUTE);
    expect(await next(2)).toEqual({
      members: [...onSkill(1), { userId: 'by-hand', isActive: true, proficiency: 4 }],
    });
  });

  it('is not given without a drift check, or after one that found drift or hidden members', async () => {
    const { clock, next, driftCheck } = setup();
    await next(1);
    expect(await next(2)).toBeUndefined();
    await driftCheck(false);
    clock.advance(MINUTE);
    expect(await next(3)).toBeUndefined();
  });

  it('lapses once the drift check or the last applied state is as old as the drift-check interval', async () => {
    const { clock, next, driftCheck } = setup(policyWith({ driftCheckMinutes: 5 }));
    await next(1);
    await driftCheck(true);
    clock.advance(4 * MINUTE);
    expect(await next(2)).toEqual({ members: onSkill(1) });
    clock.advance(MINUTE); // the check is 5 minutes old, the last applied state 1 minute
    expect(await next(3)).toBeUndefined();
    await driftCheck(true);
    clock.advance(5 * MINUTE); // both 5 minutes old
    expect(await next(4)).toBeUndefined();
  });

  it('is not given to a repair, a policy change, or a retry of an interrupted dispatch', async () => {
    const { store, clock, next, driftCheck } = setup();
    await next(1);
    await driftCheck(true);
    clock.advance(MINUTE);
    expect(await next(2, { kind: 'repair' })).toBeUndefined();
    expect(await next(2, { kind: 'policy_change' })).toBeUndefined();
    expect(await next(2, { status: 'dispatching' })).toBeUndefined();
    expect(await next(2)).toEqual({ members: onSkill(2) }); // as the assignments before it applied
    expect(store.campaigns.get(CAMPAIGN_ID)?.lastDriftCheck?.inSync).toBe(true);
  });

  it('is not given after a clean check of another skill (the policy moved the campaign since)', async () => {
    const { clock, next, driftCheck } = setup();
    await next(1);
    await driftCheck(true, POLICY.cxoneSkillId + 1);
    clock.advance(MINUTE);
    expect(await next(2)).toBeUndefined();
  });

  it('is not given while the last applied state counted hidden members', async () => {
    const { converger, clock, next, driftCheck } = setup();
    converger.hiddenAgents = 1;
    await next(1);
    await driftCheck(true);
    clock.advance(MINUTE);
    expect(await next(2)).toBeUndefined();
  });

  it('the audit line of the final status says how the result was confirmed', async () => {
    const { observer, converger, next } = setup();
    await next(1);
    expect(observer.audits.find((entry) => entry.action === 'assignment.applied')).toMatchObject({
      cxoneReads: 1,
      confirmedBy: 'write_results',
    });
    converger.refused.set('agent-uuid-002', 'locked');
    await next(2);
    expect(observer.audits.find((entry) => entry.action === 'assignment.partially_applied')).toMatchObject({
      cxoneReads: 2,
      confirmedBy: 'read',
    });
  });
});
