/** A seeded PRNG (mulberry32) so injected faults are probabilities yet reproducible run to run. */
export type Random = () => number;

export const DEFAULT_SANDBOX_SEED = 0x5eed;

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** True with probability `rate`; draws nothing when the rate is 0 so unrelated faults do not shift the sequence. */
export function chance(random: Random, rate: number): boolean {
  return rate > 0 && random() < rate;
}
