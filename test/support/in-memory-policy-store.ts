// A PolicyStore in memory with the DynamoDB store's semantics: conditional writes on the current version, versions
// numbered on from the last one ever stored, one campaign per skill, opaque cursors. Values are copied in and out.
import { InvalidCursorError, type Page, type PageRequest } from '../../lib/app/paging.ts';
import type { PolicyStore, PolicyWriteOutcome, StoredPolicy } from '../../lib/app/ports.ts';
import type { CampaignPolicy } from '../../lib/domain/schemas.ts';

function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

const cursorOf = (kind: string, key: string) => Buffer.from(`${kind}:${key}`).toString('base64url');

function keyOf(cursor: string | undefined, kind: string): string | undefined {
  if (cursor === undefined) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(`${kind}:`)) throw new InvalidCursorError();
  return text.slice(kind.length + 1);
}

function pageOf<T>(items: T[], limit: number, keyOfItem: (item: T) => string, kind: string): Page<T> {
  const kept = items.slice(0, limit);
  const last = kept.at(-1);
  return {
    items: kept.map(copy),
    ...(items.length > limit && last ? { nextCursor: cursorOf(kind, keyOfItem(last)) } : {}),
  };
}

export class InMemoryPolicyStore implements PolicyStore {
  readonly current = new Map<string, StoredPolicy>();
  readonly history = new Map<string, StoredPolicy[]>();
  readonly skills = new Map<number, string>();

  /** Seeds a current policy (version 1 unless given) with its history entry and skill claim. */
  seed(policy: CampaignPolicy, version = 1, updatedAt = '2026-03-10T12:00:00.000Z'): StoredPolicy {
    const stored = { campaignId: policy.campaignId, version, updatedAt, policy: copy(policy) };
    this.current.set(policy.campaignId, stored);
    this.history.set(policy.campaignId, [...(this.history.get(policy.campaignId) ?? []), stored]);
    this.skills.set(policy.cxoneSkillId, policy.campaignId);
    return copy(stored);
  }

  async getPolicy(campaignId: string): Promise<StoredPolicy | undefined> {
    const stored = this.current.get(campaignId);
    return stored && copy(stored);
  }

  async listPolicies(page: PageRequest): Promise<Page<StoredPolicy>> {
    const after = keyOf(page.cursor, 'p');
    const all = [...this.current.values()]
      .sort((a, b) => (a.campaignId < b.campaignId ? -1 : 1))
      .filter((stored) => after === undefined || stored.campaignId > after);
    return pageOf(all, page.limit, (stored) => stored.campaignId, 'p');
  }

  async listVersions(campaignId: string, page: PageRequest): Promise<Page<StoredPolicy>> {
    const after = keyOf(page.cursor, 'v');
    const all = [...(this.history.get(campaignId) ?? [])]
      .sort((a, b) => b.version - a.version)
      .filter((stored) => after === undefined || stored.version < Number(after));
    return pageOf(all, page.limit, (stored) => String(stored.version), 'v');
  }

  async skillOwner(skillId: number): Promise<string | undefined> {
    return this.skills.get(skillId);
  }

  private skillFree(policy: CampaignPolicy): boolean {
    const owner = this.skills.get(policy.cxoneSkillId);
    return owner === undefined || owner === policy.campaignId;
  }

  private store(stored: StoredPolicy, released?: CampaignPolicy): PolicyWriteOutcome {
    if (released) this.skills.delete(released.cxoneSkillId);
    this.current.set(stored.campaignId, copy(stored));
    this.history.set(stored.campaignId, [...(this.history.get(stored.campaignId) ?? []), copy(stored)]);
    this.skills.set(stored.policy.cxoneSkillId, stored.campaignId);
    return { kind: 'written', stored: copy(stored) };
  }

  async createPolicy(policy: CampaignPolicy, at: string): Promise<PolicyWriteOutcome> {
    if (this.current.has(policy.campaignId)) return { kind: 'precondition_failed' };
    if (!this.skillFree(policy))
      return { kind: 'skill_taken', heldBy: this.skills.get(policy.cxoneSkillId)! };
    const versions = (this.history.get(policy.campaignId) ?? []).map((stored) => stored.version);
    const version = Math.max(0, ...versions) + 1;
    return this.store({ campaignId: policy.campaignId, version, updatedAt: at, policy });
  }

  async replacePolicy(
    expected: StoredPolicy,
    policy: CampaignPolicy,
    at: string,
  ): Promise<PolicyWriteOutcome> {
    if (this.current.get(expected.campaignId)?.version !== expected.version)
      return { kind: 'precondition_failed' };
    const moved = expected.policy.cxoneSkillId !== policy.cxoneSkillId;
    if (moved && !this.skillFree(policy)) {
      return { kind: 'skill_taken', heldBy: this.skills.get(policy.cxoneSkillId)! };
    }
    const stored = { campaignId: expected.campaignId, version: expected.version + 1, updatedAt: at, policy };
    return this.store(stored, moved ? expected.policy : undefined);
  }

  async deletePolicy(expected: StoredPolicy): Promise<{ deleted: boolean }> {
    if (this.current.get(expected.campaignId)?.version !== expected.version) return { deleted: false };
    this.current.delete(expected.campaignId);
    if (this.skills.get(expected.policy.cxoneSkillId) === expected.campaignId) {
      this.skills.delete(expected.policy.cxoneSkillId);
    }
    return { deleted: true };
  }
}
