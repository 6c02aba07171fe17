import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { PolicySource, PolicyStore, StoredPolicy } from '../app/ports.ts';
import type { CampaignPolicy } from '../domain/schemas.ts';
import { MAX_POLICY_CACHE_SECONDS } from '../runtime/common-env.ts';
import { DynamoPolicyStore } from './dynamo-policy-store.ts';

export { MAX_POLICY_CACHE_SECONDS };

interface Entry {
  stored: StoredPolicy | undefined;
  fetchedAt: number;
}

const PAGE_LIMIT = 100;

/**
 * The campaign policies every function reads, through one cache: an entry (a policy, or the fact that a campaign has
 * none) is served for `maxAgeSeconds` after it was read, so a change reaches every function within that time with
 * at most one read per campaign and period. Concurrent misses share one read. A caller that must see at least a
 * given version (a `policy_change` dispatch) reads through when the entry is older.
 */
export class CachedPolicies implements PolicySource {
  private readonly store: Pick<PolicyStore, 'getPolicy' | 'listPolicies'>;
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<StoredPolicy | undefined>>();
  private list: { policies: CampaignPolicy[]; fetchedAt: number } | undefined;

  constructor(
    store: Pick<PolicyStore, 'getPolicy' | 'listPolicies'>,
    options: { maxAgeSeconds: number; now?: () => number },
  ) {
    this.store = store;
    this.maxAgeMs = Math.min(options.maxAgeSeconds, MAX_POLICY_CACHE_SECONDS) * 1000;
    this.now = options.now ?? Date.now;
  }

  private fresh(fetchedAt: number): boolean {
    return this.now() - fetchedAt < this.maxAgeMs;
  }

  async policyFor(campaignId: string, minVersion?: number): Promise<CampaignPolicy | undefined> {
    const entry = this.entries.get(campaignId);
    const recentEnough =
      minVersion === undefined || (entry?.stored !== undefined && entry.stored.version >= minVersion);
    if (entry && this.fresh(entry.fetchedAt) && recentEnough) return entry.stored?.policy;
    return (await this.read(campaignId))?.policy;
  }

  private read(campaignId: string): Promise<StoredPolicy | undefined> {
    const pending = this.inFlight.get(campaignId);
    if (pending) return pending;
    const fetchedAt = this.now();
    const reading = this.store
      .getPolicy(campaignId)
      .then((stored) => {
        this.entries.set(campaignId, { stored, fetchedAt });
        return stored;
      })
      .finally(() => this.inFlight.delete(campaignId));
    this.inFlight.set(campaignId, reading);
    return reading;
  }

  async all(): Promise<readonly CampaignPolicy[]> {
    if (this.list && this.fresh(this.list.fetchedAt)) return this.list.policies;
    const fetchedAt = this.now();
    const stored: StoredPolicy[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.store.listPolicies({ limit: PAGE_LIMIT, ...(cursor ? { cursor } : {}) });
      stored.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    for (const item of stored) this.entries.set(item.campaignId, { stored: item, fetchedAt });
    this.list = { policies: stored.map((item) => item.policy), fetchedAt };
    return this.list.policies;
  }
}

/** The policies of the table, cached for `maxAgeSeconds` (0 reads the table every time). */
export function tablePolicies(
  client: DynamoDBClient,
  tableName: string,
  maxAgeSeconds: number,
): CachedPolicies {
  return new CachedPolicies(new DynamoPolicyStore(client, tableName), { maxAgeSeconds });
}
