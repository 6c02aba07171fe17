import { beforeEach, describe, expect, it } from 'vitest';
import { CachedPolicies } from '../../../lib/adapters/cached-policies.ts';
import { CAMPAIGN_ID, POLICY, policyWith } from '../../support/fixtures.ts';
import { InMemoryPolicyStore } from '../../support/in-memory-policy-store.ts';

/** The in-memory store, counting the reads that reach it. */
class CountingStore extends InMemoryPolicyStore {
  gets = 0;
  lists = 0;
  override async getPolicy(campaignId: string) {
    this.gets++;
    return super.getPolicy(campaignId);
  }
  override async listPolicies(page: { cursor?: string; limit: number }) {
    this.lists++;
    return super.listPolicies(page);
  }
}

let store: CountingStore;
let now: number;
const cache = (maxAgeSeconds = 30) => new CachedPolicies(store, { maxAgeSeconds, now: () => now });

beforeEach(() => {
  store = new CountingStore();
  now = 1_000_000;
});

async function replace(maxAgents: number) {
  const current = await store.getPolicy(CAMPAIGN_ID);
  if (!current) throw new Error('no policy');
  await store.replacePolicy(current, policyWith({ maxAgents }), new Date(now).toISOString());
}

describe('CachedPolicies', () => {
  it('serves a policy from the cache for maxAgeSeconds, then reads the change', async () => {
    store.seed(POLICY);
    const policies = cache(30);
    expect(await policies.policyFor(CAMPAIGN_ID)).toEqual(POLICY);
    await replace(1);
    store.gets = 0;
    now += 29_999;
    expect((await policies.policyFor(CAMPAIGN_ID))?.maxAgents).toBe(50);
    expect(store.gets).toBe(0);
    now += 1;
    expect((await policies.policyFor(CAMPAIGN_ID))?.maxAgents).toBe(1);
    expect(store.gets).toBe(1);
  });

  it('caches that a campaign has no policy, and sees it once created', async () => {
    const policies = cache(10);
    expect(await policies.policyFor('later')).toBeUndefined();
    await store.createPolicy(
      policyWith({ campaignId: 'later', cxoneSkillId: 4501235 }),
      '2026-03-10T15:00:00Z',
    );
    expect(await policies.policyFor('later')).toBeUndefined();
    now += 10_000;
    expect((await policies.policyFor('later'))?.campaignId).toBe('later');
  });

  it('reads through when the caller needs a newer version than the cached one', async () => {
    store.seed(POLICY);
    const policies = cache(30);
    await policies.policyFor(CAMPAIGN_ID);
    await replace(7);
    store.gets = 0;
    expect((await policies.policyFor(CAMPAIGN_ID, 1))?.maxAgents).toBe(50);
    expect((await policies.policyFor(CAMPAIGN_ID, 2))?.maxAgents).toBe(7);
    expect((await policies.policyFor(CAMPAIGN_ID, 2))?.maxAgents).toBe(7);
    expect(store.gets).toBe(1);
  });

  it('shares one read between concurrent misses', async () => {
    store.seed(POLICY);
    const policies = cache(30);
    await Promise.all([1, 2, 3].map(() => policies.policyFor(CAMPAIGN_ID)));
    expect(store.gets).toBe(1);
  });

  it('reads the store every time with a max age of 0, and never caches longer than 30 s', async () => {
    store.seed(POLICY);
    const uncached = cache(0);
    await uncached.policyFor(CAMPAIGN_ID);
    await uncached.policyFor(CAMPAIGN_ID);
    expect(store.gets).toBe(2);
    const capped = cache(3600);
    await capped.policyFor(CAMPAIGN_ID);
    now += 30_000;
    await capped.policyFor(CAMPAIGN_ID);
    expect(store.gets).toBe(4);
  });

  it('lists every campaign page by page, and primes the per-campaign entries with the list', async () => {
    for (let i = 0; i < 230; i++) store.seed(policyWith({ campaignId: `c-${i}`, cxoneSkillId: 4600000 + i }));
    const policies = cache(30);
    expect(await policies.all()).toHaveLength(230);
    expect(store.lists).toBe(3);
    expect(await policies.all()).toHaveLength(230);
    expect(store.lists).toBe(3);
    expect((await policies.policyFor('c-7'))?.cxoneSkillId).toBe(4600007);
    expect(store.gets).toBe(0);
  });
});
