// The drift settings of a campaign's policy, with their defaults.
import type { CampaignPolicy } from './schemas.ts';
import type { OnDrift } from './vocabulary.ts';

export const DEFAULT_DRIFT_CHECK_MINUTES = 15;
export const DEFAULT_ON_DRIFT: OnDrift = 'repair';

export function driftCheckMinutesOf(policy: Pick<CampaignPolicy, 'driftCheckMinutes'>): number {
  return policy.driftCheckMinutes ?? DEFAULT_DRIFT_CHECK_MINUTES;
}

export function onDriftOf(policy: Pick<CampaignPolicy, 'onDrift'>): OnDrift {
  return policy.onDrift ?? DEFAULT_ON_DRIFT;
}
