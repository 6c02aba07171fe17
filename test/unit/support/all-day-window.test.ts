import { describe, expect, it } from 'vitest';
import { outsideLastMinutesOfUtcDay } from '../../support/all-day-window.ts';

describe('outsideLastMinutesOfUtcDay', () => {
  const at = (iso: string) => () => Date.parse(iso);

  it('waits until just after midnight UTC inside the margin', async () => {
    const waits: number[] = [];
    await outsideLastMinutesOfUtcDay(5, at('2026-12-01T23:57:30Z'), async (ms) => void waits.push(ms));
    expect(waits).toEqual([151_000]);
  });

  it('returns at once outside the margin', async () => {
    const waits: number[] = [];
    await outsideLastMinutesOfUtcDay(5, at('2026-12-01T23:54:59Z'), async (ms) => void waits.push(ms));
    await outsideLastMinutesOfUtcDay(5, at('2026-12-02T00:00:00Z'), async (ms) => void waits.push(ms));
    expect(waits).toEqual([]);
  });
});
