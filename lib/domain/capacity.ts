// Capacity score of the original spec: how much room an agent has below the campaign's call-rate target.

/**
 * `clamp((target − recentCallRate) / target, 0, 1)`; 0 when the target is not positive. A missing rate counts as 0
 * (full capacity). Never NaN: any input that would make it NaN (a NaN rate, an infinite target) scores 0.
 * Rounded to 9 decimals so that values on a boundary stay on it despite binary floating point:
 * (8.5 − 1.7) / 8.5 is 0.8 (proficiency 1), not 0.7999999999999999.
 */
export function capacityScore(callRateTarget: number, recentCallRate = 0): number {
  if (!(callRateTarget > 0)) return 0;
  const score = (callRateTarget - recentCallRate) / callRateTarget;
  if (Number.isNaN(score)) return 0;
  return Math.min(1, Math.max(0, Math.round(score * 1e9) / 1e9));
}

/** CXone proficiency, 1 (best) … 5, from a capacity score in [0, 1]: ≥0.8→1, ≥0.6→2, ≥0.4→3, ≥0.2→4, else 5. */
export function proficiencyFromScore(score: number): number {
  if (score >= 0.8) return 1;
  if (score >= 0.6) return 2;
  if (score >= 0.4) return 3;
  if (score >= 0.2) return 4;
  return 5;
}
