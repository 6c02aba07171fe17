import { describe, expect, it } from 'vitest';
import { capacityScore, proficiencyFromScore } from '../../../lib/domain/capacity.ts';

describe('capacityScore', () => {
  it('is (target − rate) / target', () => {
    expect(capacityScore(8.5, 4.25)).toBeCloseTo(0.5, 12);
    expect(capacityScore(10, 3)).toBeCloseTo(0.7, 12);
  });

  it('lands exactly on boundaries that binary floating point would miss', () => {
    expect(capacityScore(8.5, 1.7)).toBe(0.8);
    expect(capacityScore(8.5, 5.95)).toBe(0.3);
    expect(proficiencyFromScore(capacityScore(8.5, 1.7))).toBe(1);
  });

  it('treats a missing rate as 0: full capacity', () => {
    expect(capacityScore(8.5)).toBe(1);
  });

  it('is 0 when the target is 0 or negative', () => {
    expect(capacityScore(0, 3)).toBe(0);
    expect(capacityScore(0)).toBe(0);
    expect(capacityScore(-5, 1)).toBe(0);
  });

  it('clamps to 0 when the rate exceeds the target and to 1 for a negative rate', () => {
    expect(capacityScore(8.5, 20)).toBe(0);
    expect(capacityScore(8.5, 8.5)).toBe(0);
    expect(capacityScore(8.5, -3)).toBe(1);
  });

  it('never produces NaN', () => {
    for (const [target, rate] of [
      [Number.NaN, 1],
      [8.5, Number.NaN],
      [Number.POSITIVE_INFINITY, 1],
      [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY],
      [8.5, Number.POSITIVE_INFINITY],
    ] as const) {
      const score = capacityScore(target, rate);
      expect(Number.isNaN(score)).toBe(false);
      expect(score).toBeGreaterThanOrEqual(0);
      expect(score).toBeLessThanOrEqual(1);
    }
  });
});

describe('proficiencyFromScore', () => {
  it.each([
    [1, 1],
    [0.8, 1],
    [0.79, 2],
    [0.6, 2],
    [0.59, 3],
    [0.4, 3],
    [0.39, 4],
    [0.2, 4],
    [0.19, 5],
    [0, 5],
  ])('score %d → proficiency %d', (score, proficiency) => {
    expect(proficiencyFromScore(score)).toBe(proficiency);
  });

  it('gives the worst proficiency to NaN', () => {
    expect(proficiencyFromScore(Number.NaN)).toBe(5);
  });
});
