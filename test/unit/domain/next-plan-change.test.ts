import { describe, expect, it } from 'vitest';
import { nextPlanChange, nextWindowChange } from '../../../lib/domain/next-plan-change.ts';
import type { CampaignPolicy } from '../../../lib/domain/schemas.ts';
import { isWithinWindow } from '../../../lib/domain/time-window.ts';
import { agent, POLICY, policyWith } from '../../support/fixtures.ts';

const NY = 'America/New_York';
const LONDON = 'Europe/London';
const LORD_HOWE = 'Australia/Lord_Howe';

function campaign(timezone: string, start: string, end: string): CampaignPolicy {
  return policyWith({
    timezone,
    callingHours: { start, end },
    allowedAgentTimezones: [...new Set([NY, LONDON, timezone])],
  });
}

function windowAgent(userId: string, start: string, end: string, timezone = NY) {
  return agent(userId, { availabilityWindow: { start, end, timezone } });
}

const next = (policy: CampaignPolicy, agents: ReturnType<typeof agent>[] | undefined, now: string) =>
  nextPlanChange(policy, agents && { agents }, new Date(now)).toISOString();

describe('nextPlanChange', () => {
  describe('a 09:00–17:00 New York window in 08:00–21:00 New York calling hours (June, EDT)', () => {
    const agents = [windowAgent('a', '09:00', '17:00')];

    it('at 08:59 the next change is the window opening at 09:00', () => {
      expect(next(POLICY, agents, '2026-06-15T12:59:00Z')).toBe('2026-06-15T13:00:00.000Z');
    });

    it('at 08:59:30 it is still 09:00, a whole minute', () => {
      expect(next(POLICY, agents, '2026-06-15T12:59:30.250Z')).toBe('2026-06-15T13:00:00.000Z');
    });

    it('at 09:00 exactly it is strictly later: the window closing at 17:00', () => {
      expect(next(POLICY, agents, '2026-06-15T13:00:00Z')).toBe('2026-06-15T21:00:00.000Z');
    });

    it('after the window closes it is the calling hours closing at 21:00', () => {
      expect(next(POLICY, agents, '2026-06-15T21:00:00Z')).toBe('2026-06-16T01:00:00.000Z');
    });
  });

  describe('an overnight 22:00–06:00 window in overnight 18:00–10:00 calling hours (New York, EDT)', () => {
    const policy = campaign(NY, '18:00', '10:00');
    const agents = [windowAgent('owl', '22:00', '06:00')];

    it('opens at 22:00', () => {
      expect(next(policy, agents, '2026-06-16T01:00:00Z')).toBe('2026-06-16T02:00:00.000Z'); // 21:00 → 22:00
    });

    it('midnight is no edge: from 23:59 the next change is 06:00 the next morning', () => {
      expect(next(policy, agents, '2026-06-16T03:59:00Z')).toBe('2026-06-16T10:00:00.000Z');
    });

    it('after the window closes, the calling hours close at 10:00', () => {
      expect(next(policy, agents, '2026-06-16T11:00:00Z')).toBe('2026-06-16T14:00:00.000Z'); // 07:00 → 10:00
    });
  });

  it('while the calling hours are closed agent windows cannot change the plan: the next change is the opening', () => {
    const agents = [windowAgent('early', '03:00', '12:00'), windowAgent('late', '07:00', '07:30')];
    // 02:00 EDT: the windows open at 03:00 and 07:00 while everybody is outside_calling_hours until 08:00.
    expect(next(POLICY, agents, '2026-06-15T06:00:00Z')).toBe('2026-06-15T12:00:00.000Z');
  });

  describe('the 2026-03-08 New York spring-forward gap (02:00 EST → 03:00 EDT)', () => {
    const policy = campaign(NY, '01:00', '12:00');

    it('a window starting at 02:30, a time that does not exist, opens at 03:30 EDT, as isWithinWindow says', () => {
      const window = windowAgent('a', '02:30', '05:00');
      expect(next(policy, [window], '2026-03-08T06:59:00Z')).toBe('2026-03-08T07:30:00.000Z'); // 01:59 EST
      expect(isWithinWindow(window.availabilityWindow, NY, new Date('2026-03-08T07:29:00Z'))).toBe(false);
      expect(isWithinWindow(window.availabilityWindow, NY, new Date('2026-03-08T07:30:00Z'))).toBe(true);
    });

    it('a 02:30–03:10 window swallowed by the gap never opens that day: the calling hours close first', () => {
      expect(next(policy, [windowAgent('a', '02:30', '03:10')], '2026-03-08T06:59:00Z')).toBe(
        '2026-03-08T16:00:00.000Z',
      );
    });

    it('an overnight 03:00–02:30 window stays open across the gap: its end moved past the next opening', () => {
      // The window of 03-07 ends at 02:30 → 03:30 EDT, after the window of 03-08 opened at 03:00 EDT.
      const range = { start: '03:00', end: '02:30' };
      expect(nextWindowChange(range, NY, new Date('2026-03-08T06:00:00Z')).toISOString()).toBe(
        '2026-03-09T06:30:00.000Z',
      );
    });
  });

  describe('the 2026-11-01 New York fall-back overlap (01:00–02:00 happens twice)', () => {
    const policy = campaign(NY, '18:00', '04:00');

    it('a window ending at 01:30 closes at the first 01:30 (EDT); the second 01:30 (EST) is no edge', () => {
      const agents = [windowAgent('a', '22:00', '01:30')];
      expect(next(policy, agents, '2026-11-01T04:30:00Z')).toBe('2026-11-01T05:30:00.000Z'); // 00:30 EDT
      // From there the calling hours closing at 04:00 EST comes next, not 01:30 EST (06:30Z).
      expect(next(policy, agents, '2026-11-01T05:30:00Z')).toBe('2026-11-01T09:00:00.000Z');
    });

    it('a window starting at 01:30 opens at the first 01:30', () => {
      expect(next(policy, [windowAgent('a', '01:30', '03:00')], '2026-11-01T04:30:00Z')).toBe(
        '2026-11-01T05:30:00.000Z',
      );
    });
  });

  describe('a London 09:00–17:00 agent in New York 04:00–12:00 calling hours', () => {
    const policy = campaign(NY, '04:00', '12:00');
    const agents = [windowAgent('uk', '09:00', '17:00', LONDON)];

    it('early March, both on standard time: 09:00 London is 04:00 New York, when the calling hours open', () => {
      expect(next(policy, agents, '2026-03-02T08:30:00Z')).toBe('2026-03-02T09:00:00.000Z');
    });

    it('between the US (03-08) and the UK (03-29) change, 09:00 London is 05:00 New York', () => {
      expect(next(policy, agents, '2026-03-16T08:00:00Z')).toBe('2026-03-16T09:00:00.000Z'); // 04:00 EDT
      // The calling hours close at 12:00 EDT (16:00Z) before the agent's 17:00 GMT.
      expect(next(policy, agents, '2026-03-16T09:00:00Z')).toBe('2026-03-16T16:00:00.000Z');
    });

    it('in April, both on summer time, 09:00 London is 04:00 New York again', () => {
      expect(next(policy, agents, '2026-04-06T07:30:00Z')).toBe('2026-04-06T08:00:00.000Z');
    });
  });

  describe('Lord Howe Island, whose clocks move by 30 minutes', () => {
    const policy = campaign(LORD_HOWE, '00:00', '23:00');

    it('spring forward 2026-10-04 02:00 → 02:30: a window starting 02:15 opens at 02:45 (+11:00)', () => {
      const agents = [windowAgent('a', '02:15', '05:00', LORD_HOWE)];
      expect(next(policy, agents, '2026-10-03T15:00:00Z')).toBe('2026-10-03T15:45:00.000Z'); // 01:30 +10:30
    });

    it('fall back 2026-04-05 02:00 → 01:30: a window ending 01:45 closes at the first 01:45 (+11:00)', () => {
      const agents = [windowAgent('a', '00:00', '01:45', LORD_HOWE)];
      expect(next(policy, agents, '2026-04-04T14:00:00Z')).toBe('2026-04-04T14:45:00.000Z'); // 01:00 +11:00
    });
  });

  it('a zone without DST and a 45-minute offset (Asia/Kathmandu, +05:45)', () => {
    const policy = campaign('Asia/Kathmandu', '08:00', '20:00');
    const agents = [windowAgent('a', '09:00', '17:00', 'Asia/Kathmandu')];
    expect(next(policy, agents, '2026-03-08T03:00:00Z')).toBe('2026-03-08T03:15:00.000Z'); // 08:45 → 09:00
  });

  describe('a campaign with no agents: only the calling hours', () => {
    it.each([
      ['without a desired state', undefined],
      ['with an empty agent list', []],
    ])('%s', (_name, agents) => {
      expect(next(POLICY, agents, '2026-06-15T11:00:00Z')).toBe('2026-06-15T12:00:00.000Z'); // 07:00 → 08:00
      expect(next(POLICY, agents, '2026-06-15T14:00:00Z')).toBe('2026-06-16T01:00:00.000Z'); // 10:00 → 21:00
    });
  });

  it('takes the earliest edge over many agents, whatever their order', () => {
    const agents = [
      windowAgent('a', '09:00', '17:00'),
      windowAgent('b', '09:00', '17:00'),
      windowAgent('c', '10:15', '18:00', LONDON), // 10:15 BST is 05:15 EDT, before now
      windowAgent('d', '11:45', '19:00'),
      windowAgent('e', '12:00', '16:00', 'America/Chicago'), // 13:00 EDT
    ];
    const now = '2026-06-15T14:00:00Z'; // 10:00 EDT
    expect(next(POLICY, agents, now)).toBe('2026-06-15T15:45:00.000Z');
    expect(next(POLICY, [...agents].reverse(), now)).toBe('2026-06-15T15:45:00.000Z');
  });
});
