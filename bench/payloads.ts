// Realistic, valid submissions and the campaign policy that allows them, built from a seeded PRNG so every run
// measures the same bytes.
import type { CampaignPolicy } from '../lib/domain/schemas.ts';
import { seededRandom } from './stats.ts';

export const BENCH_TIMEZONES = ['America/New_York', 'America/Chicago', 'America/Los_Angeles'] as const;
const TEAM_SKILLS = ['sales', 'retention', 'collections', 'renewals'] as const;
const LANGUAGE_SKILLS = ['english', 'spanish', 'french'] as const;

/** 12:00 in New York on a Wednesday three days after the 2026 DST change: inside the calling hours. */
export const BENCH_NOW = new Date('2026-03-11T16:00:00Z');

/** One campaign that allows up to `maxAgents` agents (the bundled policy allows 50). */
export function benchPolicy(options: {
  campaignId: string;
  skillId: number;
  maxAgents: number;
}): CampaignPolicy {
  return {
    campaignId: options.campaignId,
    cxoneSkillId: options.skillId,
    timezone: 'America/New_York',
    callingHours: { start: '08:00', end: '21:00' },
    allowedAgentTimezones: [...BENCH_TIMEZONES],
    minWindowOverlapMinutes: 60,
    maxAgents: options.maxAgents,
    maxConcurrentCallsPerAgent: 2,
    requiredSkills: ['preview-qualified'],
    callRateTarget: 8.5,
    capacityThreshold: 0.3,
  };
}

export interface BenchAgent {
  userId: string;
  skills: string[];
  availabilityWindow: { start: string; end: string; timezone: string };
  maxConcurrentCalls: number;
  recentCallRate: number;
}

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)] as T;
}

function pseudoUuid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * `count` agents as a WFM tool would send them: UUID userIds, 2–3 skills (the required one included), 8–9 hour
 * shifts starting 06:00–12:30 local in one of the allowed zones, 1–2 concurrent calls, 0–12 recent calls/hour.
 */
export function benchAgents(count: number, seed = 1): BenchAgent[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const startMinutes = 6 * 60 + Math.floor(random() * 14) * 30;
    const endMinutes = (startMinutes + (8 + Math.floor(random() * 2)) * 60) % 1440;
    const skills = ['preview-qualified', pick(TEAM_SKILLS, random)];
    if (random() < 0.4) skills.push(pick(LANGUAGE_SKILLS, random));
    return {
      userId: pseudoUuid(random),
      skills,
      availabilityWindow: {
        start: `${pad(Math.floor(startMinutes / 60))}:${pad(startMinutes % 60)}`,
        end: `${pad(Math.floor(endMinutes / 60))}:${pad(endMinutes % 60)}`,
        timezone: pick(BENCH_TIMEZONES, random),
      },
      maxConcurrentCalls: 1 + Math.floor(random() * 2),
      recentCallRate: Math.round(random() * 120) / 10,
    };
  });
}

/** The raw request body, as the API receives it. */
export function submissionJson(agents: BenchAgent[]): string {
  return JSON.stringify({ agents, callRateTarget: 8.5 });
}
