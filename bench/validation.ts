// §1 Validation + planning: what a submission costs the API beside its floor, JSON.parse of the same bytes.
// Every round times the same number of iterations of each variant, in a rotating order, and the verdict is the
// median of the per-round ratios, so the machine's load drifting during the run affects both sides alike.
import { planActiveAgents } from '../lib/domain/planner.ts';
import type { CampaignPolicy, Submission } from '../lib/domain/schemas.ts';
import { validateSubmission } from '../lib/domain/validate.ts';
import { BENCH_NOW, benchAgents, benchPolicy, submissionJson } from './payloads.ts';
import { median } from './stats.ts';

export class InvalidBenchPayloadError extends Error {
  override name = 'InvalidBenchPayloadError';
}

export interface ValidationResult {
  agents: number;
  bytes: number;
  rounds: number;
  iterationsPerRound: number;
  /** Median ms per submission: parse + validate + plan. */
  fullMs: number;
  parseMs: number;
  /** Median of the per-round ratios (full ÷ parse), and the parts of it. */
  ratio: number;
  validateRatio: number;
  planRatio: number;
  agentsPerSecond: number;
}

export interface ValidationOptions {
  sizes: number[];
  rounds: number;
  /** Aimed duration of one timed batch of the full work. */
  batchMs: number;
}

const CAMPAIGN_ID = 'bench-campaign-0001';

let sink = 0;

function validated(policy: CampaignPolicy, body: unknown): Submission {
  const result = validateSubmission(policy, CAMPAIGN_ID, body, BENCH_NOW);
  if (!result.ok) {
    throw new InvalidBenchPayloadError(
      `bench payload is invalid: ${JSON.stringify(result.errors.slice(0, 3))}`,
    );
  }
  return result.submission;
}

function timeBatch(work: () => void, iterations: number): number {
  const started = performance.now();
  for (let i = 0; i < iterations; i++) work();
  return performance.now() - started;
}

/** Runs `work` for about `ms` (JIT warm-up) and returns how long one call takes. */
function warmUp(work: () => void, ms: number): number {
  const started = performance.now();
  let calls = 0;
  while (performance.now() - started < ms) {
    work();
    calls++;
  }
  return (performance.now() - started) / calls;
}

export function runValidationBench(options: ValidationOptions): ValidationResult[] {
  const policy = benchPolicy({
    campaignId: CAMPAIGN_ID,
    skillId: 4600001,
    maxAgents: Math.max(...options.sizes),
  });
  const cases = options.sizes.map((agents) => {
    const text = submissionJson(benchAgents(agents, agents));
    const body = JSON.parse(text) as unknown;
    const submission = validated(policy, body);
    const variants = {
      parse: () => {
        sink += (JSON.parse(text) as { agents: unknown[] }).agents.length;
      },
      full: () => {
        const plan = planActiveAgents(policy, validated(policy, JSON.parse(text)), BENCH_NOW);
        sink += plan.length;
      },
      validate: () => {
        sink += validated(policy, body).agents.length;
      },
      plan: () => {
        sink += planActiveAgents(policy, submission, BENCH_NOW).length;
      },
    };
    const fullMsEach = Math.max(warmUp(variants.full, 300), 1e-4);
    for (const name of ['parse', 'validate', 'plan'] as const) warmUp(variants[name], 100);
    return {
      agents,
      bytes: Buffer.byteLength(text),
      variants,
      iterations: Math.max(1, Math.round(options.batchMs / fullMsEach)),
      samples: {
        parse: [] as number[],
        full: [] as number[],
        validate: [] as number[],
        plan: [] as number[],
      },
    };
  });

  const order = ['parse', 'full', 'validate', 'plan'] as const;
  for (let round = 0; round < options.rounds; round++) {
    for (const c of cases) {
      for (let k = 0; k < order.length; k++) {
        const name = order[(round + k) % order.length]!;
        c.samples[name].push(timeBatch(c.variants[name], c.iterations));
      }
    }
  }
  if (sink === -1) console.log(sink);

  return cases.map((c) => {
    const ratios = (name: 'full' | 'validate' | 'plan') =>
      median(c.samples[name].map((ms, round) => ms / (c.samples.parse[round] as number)));
    const fullMs = median(c.samples.full) / c.iterations;
    return {
      agents: c.agents,
      bytes: c.bytes,
      rounds: options.rounds,
      iterationsPerRound: c.iterations,
      fullMs,
      parseMs: median(c.samples.parse) / c.iterations,
      ratio: ratios('full'),
      validateRatio: ratios('validate'),
      planRatio: ratios('plan'),
      agentsPerSecond: (c.agents * 1000) / fullMs,
    };
  });
}
