// One PolicyStore contract, run against the in-memory fake, the DynamoDB adapter over the fake table (unit tests) and
// the DynamoDB adapter over moto (integration): if they disagree, a fake is lying.
import { describe, expect, it } from 'vitest';
import { InvalidCursorError } from '../../lib/app/paging.ts';
import type { PolicyStore, StoredPolicy } from '../../lib/app/ports.ts';
import type { CampaignPolicy } from '../../lib/domain/schemas.ts';
import { POLICY, policyWith } from './fixtures.ts';

const AT = '2026-03-10T15:00:00.000Z';
const LATER = '2026-03-10T16:00:00.000Z';

const campaign = (campaignId: string, cxoneSkillId: number): CampaignPolicy =>
  policyWith({ campaignId, cxoneSkillId });

async function created(store: PolicyStore, policy: CampaignPolicy, at = AT): Promise<StoredPolicy> {
  const outcome = await store.createPolicy(policy, at);
  if (outcome.kind !== 'written') throw new Error(`create of ${policy.campaignId}: ${outcome.kind}`);
  return outcome.stored;
}

/** `create` gives a store with no policies in it (a fresh table, or one only this run writes to). */
export function policyStoreContract(name: string, create: () => PolicyStore | Promise<PolicyStore>): void {
  describe(`PolicyStore contract: ${name}`, () => {
    it('creates version 1, reads it back and claims the skill for the campaign', async () => {
      const store = await create();
      expect(await store.createPolicy(POLICY, AT)).toEqual({
        kind: 'written',
        stored: { campaignId: POLICY.campaignId, version: 1, updatedAt: AT, policy: POLICY },
      });
      expect(await store.getPolicy(POLICY.campaignId)).toEqual({
        campaignId: POLICY.campaignId,
        version: 1,
        updatedAt: AT,
        policy: POLICY,
      });
      expect(await store.skillOwner(POLICY.cxoneSkillId)).toBe(POLICY.campaignId);
      expect(await store.getPolicy('no-such-campaign')).toBeUndefined();
      expect(await store.skillOwner(1)).toBeUndefined();
    });

    it('creates a campaign once, and refuses a skill another campaign holds', async () => {
      const store = await create();
      await created(store, POLICY);
      expect(await store.createPolicy(policyWith({ maxAgents: 3 }), LATER)).toEqual({
        kind: 'precondition_failed',
      });
      expect(await store.createPolicy(campaign('other', POLICY.cxoneSkillId), LATER)).toEqual({
        kind: 'skill_taken',
        heldBy: POLICY.campaignId,
      });
      expect(await store.getPolicy('other')).toBeUndefined();
      expect((await store.getPolicy(POLICY.campaignId))?.policy).toEqual(POLICY);
    });

    it('replaces the current version only, keeping every version newest first', async () => {
      const store = await create();
      const v1 = await created(store, POLICY);
      const replaced = await store.replacePolicy(v1, policyWith({ maxAgents: 1 }), LATER);
      expect(replaced).toMatchObject({ kind: 'written', stored: { version: 2, updatedAt: LATER } });
      expect(await store.replacePolicy(v1, policyWith({ maxAgents: 7 }), LATER)).toEqual({
        kind: 'precondition_failed',
      });
      expect((await store.getPolicy(POLICY.campaignId))?.policy.maxAgents).toBe(1);
      const versions = await store.listVersions(POLICY.campaignId, { limit: 10 });
      expect(versions.items.map((v) => [v.version, v.policy.maxAgents])).toEqual([
        [2, 1],
        [1, 50],
      ]);
      expect(versions.nextCursor).toBeUndefined();
    });

    it('lets exactly one of two writers racing on the same version win', async () => {
      const store = await create();
      const v1 = await created(store, POLICY);
      const outcomes = await Promise.all([
        store.replacePolicy(v1, policyWith({ maxAgents: 10 }), LATER),
        store.replacePolicy(v1, policyWith({ maxAgents: 20 }), LATER),
      ]);
      const kinds = outcomes.map((o) => o.kind).sort();
      expect(kinds).toEqual(['precondition_failed', 'written']);
      const winner = outcomes.find((o) => o.kind === 'written');
      const current = await store.getPolicy(POLICY.campaignId);
      expect(current).toEqual(winner && 'stored' in winner ? winner.stored : undefined);
      expect((await store.listVersions(POLICY.campaignId, { limit: 10 })).items).toHaveLength(2);
    });

    it('lets exactly one of two racing creates of a campaign win', async () => {
      const store = await create();
      const outcomes = await Promise.all([
        store.createPolicy(policyWith({ maxAgents: 10 }), AT),
        store.createPolicy(policyWith({ maxAgents: 20 }), AT),
      ]);
      expect(outcomes.map((o) => o.kind).sort()).toEqual(['precondition_failed', 'written']);
      expect((await store.listVersions(POLICY.campaignId, { limit: 10 })).items).toHaveLength(1);
    });

    it('moves the skill claim with the skill, and never onto a skill another campaign holds', async () => {
      const store = await create();
      const v1 = await created(store, POLICY);
      await created(store, campaign('other', 4501236));
      expect(await store.replacePolicy(v1, policyWith({ cxoneSkillId: 4501236 }), LATER)).toEqual({
        kind: 'skill_taken',
        heldBy: 'other',
      });
      expect((await store.getPolicy(POLICY.campaignId))?.version).toBe(1);
      const moved = await store.replacePolicy(v1, policyWith({ cxoneSkillId: 4501237 }), LATER);
      expect(moved.kind).toBe('written');
      expect(await store.skillOwner(4501237)).toBe(POLICY.campaignId);
      expect(await store.skillOwner(POLICY.cxoneSkillId)).toBeUndefined();
      expect(await store.skillOwner(4501236)).toBe('other');
    });

    it('deletes the current version only, frees the skill, keeps the history and numbers on after it', async () => {
      const store = await create();
      const v1 = await created(store, POLICY);
      const v2 = await store.replacePolicy(v1, policyWith({ maxAgents: 2 }), LATER);
      expect(await store.deletePolicy(v1)).toEqual({ deleted: false });
      expect(v2.kind === 'written' && (await store.deletePolicy(v2.stored))).toEqual({ deleted: true });
      expect(await store.getPolicy(POLICY.campaignId)).toBeUndefined();
      expect(await store.skillOwner(POLICY.cxoneSkillId)).toBeUndefined();
      expect((await store.listPolicies({ limit: 10 })).items).toEqual([]);
      const again = await created(store, POLICY, LATER);
      expect(again.version).toBe(3);
      const versions = await store.listVersions(POLICY.campaignId, { limit: 10 });
      expect(versions.items.map((v) => v.version)).toEqual([3, 2, 1]);
    });

    it('pages the policies by campaignId and the versions newest first, the last page without a cursor', async () => {
      const store = await create();
      for (const [i, id] of ['c-3', 'c-1', 'c-5', 'c-2', 'c-4'].entries()) {
        await created(store, campaign(id, 4600000 + i));
      }
      const seen: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listPolicies({ limit: 2, ...(cursor ? { cursor } : {}) });
        seen.push(page.items.map((p) => p.campaignId));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual([['c-1', 'c-2'], ['c-3', 'c-4'], ['c-5']]);
      const exact = await store.listPolicies({ limit: 5 });
      expect(exact.items).toHaveLength(5);
      expect(exact.nextCursor).toBeUndefined();

      let stored = (await store.getPolicy('c-1')) as StoredPolicy;
      for (const maxAgents of [2, 3]) {
        const next = await store.replacePolicy(stored, { ...stored.policy, maxAgents }, LATER);
        if (next.kind !== 'written') throw new Error(next.kind);
        stored = next.stored;
      }
      const first = await store.listVersions('c-1', { limit: 2 });
      expect(first.items.map((v) => v.version)).toEqual([3, 2]);
      const rest = await store.listVersions('c-1', { limit: 2, cursor: first.nextCursor as string });
      expect(rest.items.map((v) => v.version)).toEqual([1]);
      expect(rest.nextCursor).toBeUndefined();
    });

    it('refuses a cursor it did not give out, or one of the other list', async () => {
      const store = await create();
      await created(store, campaign('c-1', 4600001));
      await created(store, campaign('c-2', 4600002));
      const policies = await store.listPolicies({ limit: 1 });
      await expect(store.listPolicies({ limit: 1, cursor: 'bm90LWEtY3Vyc29y' })).rejects.toThrow(
        InvalidCursorError,
      );
      await expect(
        store.listVersions('c-1', { limit: 1, cursor: policies.nextCursor as string }),
      ).rejects.toThrow(InvalidCursorError);
    });
  });
}
