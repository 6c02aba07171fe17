// The SharedRateBudget contract in memory (the DynamoDB adapter's semantics without a table), for unit tests.
import type { AimdState, SharedRateBudget, SlotClaim, SlotGrant } from '../../lib/cxone/rate-budget.ts';

export class InMemoryRateBudget implements SharedRateBudget {
  readonly slots = new Map<string, number>();
  readonly aimd = new Map<string, AimdState>();
  calls = 0;
  /** When set, every call fails with it (DynamoDB unreachable). */
  failure: Error | undefined;

  async claim(claim: SlotClaim): Promise<SlotGrant> {
    this.check();
    const key = `${claim.tenantKey}|${claim.slot}`;
    const used = Math.max(claim.from, this.slots.get(key) ?? 0);
    const granted = Math.max(0, Math.min(claim.wanted, claim.limit - used));
    this.slots.set(key, used + granted);
    return { granted, usedAfter: used + granted };
  }

  async readAimd(tenantKey: string): Promise<AimdState | undefined> {
    this.check();
    return this.aimd.get(tenantKey);
  }

  async decrease(tenantKey: string, next: AimdState, notAfter: number): Promise<boolean> {
    this.check();
    const current = this.aimd.get(tenantKey);
    if (current && current.decreasedAt > notAfter) return false;
    this.aimd.set(tenantKey, next);
    return true;
  }

  private check(): void {
    this.calls++;
    if (this.failure) throw this.failure;
  }
}
