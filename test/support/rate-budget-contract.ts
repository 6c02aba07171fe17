// What every SharedRateBudget must do, run against the in-memory one and the DynamoDB adapter over moto.
import { describe, expect, it } from 'vitest';
import type { SharedRateBudget } from '../../lib/cxone/rate-budget.ts';

const claim = (slot: number, wanted: number, limit: number, tenantKey = 'issuer|tenant', from = 0) => ({
  tenantKey,
  slot,
  wanted,
  limit,
  from,
  expiresAt: 2_000_000_000,
});

export function rateBudgetContract(name: string, create: () => Promise<SharedRateBudget>) {
  describe(name, () => {
    it('grants numbered tokens of a slot until its limit, the last claim what is left', async () => {
      const budget = await create();
      expect(await budget.claim(claim(7, 4, 10))).toEqual({ granted: 4, usedAfter: 4 });
      expect(await budget.claim(claim(7, 4, 10))).toEqual({ granted: 4, usedAfter: 8 });
      expect(await budget.claim(claim(7, 4, 10))).toEqual({ granted: 2, usedAfter: 10 });
      expect((await budget.claim(claim(7, 4, 10))).granted).toBe(0);
      expect(await budget.claim(claim(8, 4, 10))).toEqual({ granted: 4, usedAfter: 4 });
    });

    it('skips tokens whose time passed unused, so an idle stretch makes no burst', async () => {
      const budget = await create();
      expect(await budget.claim(claim(5, 2, 20, 't', 12))).toEqual({ granted: 2, usedAfter: 14 });
      expect(await budget.claim(claim(5, 2, 20, 't', 10))).toEqual({ granted: 2, usedAfter: 16 });
      expect(await budget.claim(claim(5, 2, 20, 't', 18))).toEqual({ granted: 2, usedAfter: 20 });
      expect((await budget.claim(claim(5, 2, 20, 't', 19))).granted).toBe(0);
    });

    it('keeps tenants apart', async () => {
      const budget = await create();
      expect((await budget.claim(claim(1, 3, 3, 'a'))).granted).toBe(3);
      expect((await budget.claim(claim(1, 3, 3, 'b'))).granted).toBe(3);
      expect((await budget.claim(claim(1, 1, 3, 'a'))).granted).toBe(0);
    });

    it('never grants more than the limit to concurrent claims', async () => {
      const budget = await create();
      const grants = await Promise.all(Array.from({ length: 12 }, () => budget.claim(claim(3, 2, 15))));
      const total = grants.reduce((sum, grant) => sum + grant.granted, 0);
      expect(total).toBeLessThanOrEqual(15);
      const numbers = grants.flatMap((g) => Array.from({ length: g.granted }, (_, i) => g.usedAfter - 1 - i));
      expect(new Set(numbers).size).toBe(total);
      expect(numbers.every((n) => n >= 0 && n < 15)).toBe(true);
      // Nothing is lost: what the race left is still there for the next claim.
      expect((await budget.claim(claim(3, 15, 15))).granted).toBe(15 - total);
    });

    it('stores a decrease at most once per interval and reads it back', async () => {
      const budget = await create();
      expect(await budget.readAimd('t')).toBeUndefined();
      expect(await budget.decrease('t', { floorRate: 40, decreasedAt: 10_000 }, 9_000, [])).toBe(true);
      expect(await budget.decrease('t', { floorRate: 32, decreasedAt: 10_500 }, 9_500, [])).toBe(false);
      expect(await budget.readAimd('t')).toEqual({ floorRate: 40, decreasedAt: 10_000 });
      expect(await budget.decrease('t', { floorRate: 32, decreasedAt: 11_000 }, 10_000, [])).toBe(true);
      expect(await budget.readAimd('t')).toEqual({ floorRate: 32, decreasedAt: 11_000 });
    });

    it('carries the AIMD state in the slots: seeded by a first claim, overwritten by a newer decrease', async () => {
      const budget = await create();
      const seed = { floorRate: 30, decreasedAt: 1_000 };
      const first = await budget.claim({ ...claim(40, 2, 20, 's'), aimd: seed });
      expect(first.aimd).toEqual(seed);
      const newer = { floorRate: 24, decreasedAt: 40_200 };
      expect(
        await budget.decrease(
          's',
          newer,
          39_700,
          [40, 41].map((slot) => ({ slot, expiresAt: 2e9 })),
        ),
      ).toBe(true);
      expect((await budget.claim(claim(40, 2, 20, 's'))).aimd).toEqual(newer);
      // A later claimer with an older view does not overwrite the slot's newer state.
      expect((await budget.claim({ ...claim(41, 2, 20, 's'), aimd: seed })).aimd).toEqual(newer);
      expect((await budget.claim({ ...claim(42, 2, 20, 's'), aimd: newer })).aimd).toEqual(newer);
      expect(await budget.readAimd('s')).toEqual(newer);
    });
  });
}
