// The soak's campaigns: extra local policies, one CXone skill each, in a fixed-offset zone where it is about noon
// when the soak starts, so that who is active now cannot change during a run of a few minutes (no calling-hours or
// window edge, no DST), whatever time of day the test runs.
import type { CampaignPolicy } from '../../../lib/domain/schemas.ts';

export const SOAK_SKILL_BASE = 4_600_100;
export const SOAK_CALLING_HOURS = { start: '06:00', end: '20:00' } as const;
/** Agents active now: the window holds noon with hours to spare. */
export const WINDOW_OPEN_NOW = { start: '08:00', end: '16:00' } as const;
/** Agents inactive now: their window opens at 14:00, at least 1.5 h after the soak starts. */
export const WINDOW_OPENS_LATER = { start: '14:00', end: '19:30' } as const;

/**
 * `Etc/GMT±N` zone in which the wall clock reads 12:mm at `now` (IANA's Etc signs are inverted: Etc/GMT-5 is
 * UTC+5). Offsets −11 … +12 cover every UTC hour.
 */
export function noonZone(now: Date): string {
  const offsetHours = 12 - now.getUTCHours();
  if (offsetHours === 0) return 'Etc/GMT';
  return `Etc/GMT${offsetHours > 0 ? '-' : '+'}${Math.abs(offsetHours)}`;
}

export function soakCampaignId(index: number): string {
  return `soak-campaign-${String(index + 1).padStart(2, '0')}`;
}

/** `count` policies with their own skills (maxAgents 20: the desired states have 1 … 20 agents). */
export function soakPolicies(count: number, now: Date): CampaignPolicy[] {
  const zone = noonZone(now);
  return Array.from({ length: count }, (_, index) => ({
    campaignId: soakCampaignId(index),
    cxoneSkillId: SOAK_SKILL_BASE + index + 1,
    timezone: zone,
    callingHours: { ...SOAK_CALLING_HOURS },
    allowedAgentTimezones: [zone],
    minWindowOverlapMinutes: 60,
    maxAgents: 20,
    maxConcurrentCallsPerAgent: 2,
    requiredSkills: ['preview-qualified'],
    callRateTarget: 8.5,
    capacityThreshold: 0.3,
  }));
}
