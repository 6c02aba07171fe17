// The desired states the soak submits, from a seeded PRNG: per campaign an ordered list of whole agent sets drawn
// from the sandbox's 200 seeded agents, with windows open now or opening later, capacity scores above and below
// the threshold and sets larger than maxAgents, and the pause before each PUT (bursts make supersession).
import { seededRandom } from '../../../infra/local/cxone-sandbox/random.ts';
import type { CampaignPolicy } from '../../../lib/domain/schemas.ts';
import { WINDOW_OPEN_NOW, WINDOW_OPENS_LATER } from './campaigns.ts';

export const SEEDED_AGENT_COUNT = 200;

export interface DesiredAgent {
  userId: string;
  skills: string[];
  availabilityWindow: { start: string; end: string; timezone: string };
  maxConcurrentCalls: number;
  recentCallRate: number;
}

export interface DesiredState {
  agents: DesiredAgent[];
  callRateTarget?: number;
}

export interface PlannedPut {
  campaignId: string;
  body: DesiredState;
  /** Wait this long after the previous PUT of the same campaign was answered. */
  pauseBeforeMs: number;
}

export interface SoakPlanOptions {
  policies: CampaignPolicy[];
  /** How many of the campaigns (the first ones) get many quick successive states. */
  hotCampaigns: number;
  putsPerHotCampaign: number;
  putsPerCalmCampaign: number;
  seed: number;
}

export function seededUserId(n: number): string {
  return `agent-uuid-${String(n).padStart(3, '0')}`;
}

function randomInt(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** 1 … 20 distinct agents; about a quarter wait for their window, about a fifth is under the capacity threshold. */
export function randomDesiredState(random: () => number, policy: CampaignPolicy): DesiredState {
  const size = randomInt(random, 1, 20);
  const picked = new Set<number>();
  while (picked.size < size) picked.add(randomInt(random, 1, SEEDED_AGENT_COUNT));
  const agents = [...picked].map((n) => ({
    userId: seededUserId(n),
    skills: random() < 0.5 ? ['preview-qualified', 'sales'] : ['preview-qualified'],
    availabilityWindow: {
      ...(random() < 0.75 ? WINDOW_OPEN_NOW : WINDOW_OPENS_LATER),
      timezone: policy.allowedAgentTimezones[0] as string,
    },
    maxConcurrentCalls: randomInt(random, 1, policy.maxConcurrentCallsPerAgent),
    // 0 … 8 calls/hour against a target of 8.5: scores from 1 down to ~0.06 (threshold 0.3 ⇒ rates above 5.95).
    recentCallRate: Math.round(random() * 80) / 10,
  }));
  return random() < 0.3 ? { agents, callRateTarget: 8.5 } : { agents };
}

/**
 * Per campaign, in submission order. Hot campaigns come in bursts of 3–10 PUTs sent back to back, 6–12 s
 * apart; calm ones send one PUT every 1.5–3.5 s, mostly after the previous one was applied.
 */
export function buildSoakPlan(options: SoakPlanOptions): PlannedPut[][] {
  const random = seededRandom(options.seed);
  return options.policies.map((policy, index) => {
    const hot = index < options.hotCampaigns;
    const count = hot ? options.putsPerHotCampaign : options.putsPerCalmCampaign;
    const puts: PlannedPut[] = [];
    let leftInBurst = 0;
    for (let i = 0; i < count; i++) {
      let pauseBeforeMs: number;
      if (!hot) pauseBeforeMs = randomInt(random, 1500, 3500);
      else if (leftInBurst > 0) pauseBeforeMs = randomInt(random, 0, 40);
      else {
        leftInBurst = randomInt(random, 3, 10);
        pauseBeforeMs = randomInt(random, 6000, 12000);
      }
      leftInBurst -= 1;
      puts.push({
        campaignId: policy.campaignId,
        body: randomDesiredState(random, policy),
        pauseBeforeMs: i === 0 ? randomInt(random, 0, 500) : pauseBeforeMs,
      });
    }
    return puts;
  });
}
